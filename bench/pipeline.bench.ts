/**
 * Pipeline benchmark: the same CPU-heavy word count (JSON lines -> parse -> tokenise -> keyBy word
 * -> count) over the same generated file, run by weir at parallelism 1 and 2, by a single-threaded
 * Node.js stream.pipeline, by plain worker threads with no engine (the machine's ceiling) and by a
 * piscina pool; every result is checked against the generator's counts. A trivial job (generator
 * -> keyBy -> sum -> discard) shows the engine's own cost.
 *
 *   npm run bench -- pipeline [--quick] [--json] [--variants=node-stream,threads,piscina,weir-p1,weir-p2]
 *   (also weir-p1-pipelined, weir-p2-pipelined: the batch job without stages, only when named)
 *                             [--lines N] [--records N] [--rounds N] [--skip-trivial]
 *   npm run bench -- pipeline --whole-process [...]: every trial a fresh process (whole-process/run.ts)
 *   --dashboard: every weir run serves its dashboard, watched live and scraped (dashboard-viewer.ts)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ceilingShare, ceilingText } from './pipeline/ceiling.ts';
import { writeCorpus } from './pipeline/corpus.ts';
import { watchWithDashboard } from './pipeline/dashboard-viewer.ts';
import { FULL, type PipelineBenchParams, QUICK } from './pipeline/params.ts';
import { type Entry, trialsOf, trivialEntries, wordCountEntries } from './pipeline/plan.ts';
import { resultsTable, targetsText } from './pipeline/report.ts';
import { summarise } from './pipeline/summary.ts';
import { checkTargets } from './pipeline/targets.ts';
import { runRounds } from './pipeline/trials.ts';
import type { WordCountVariant } from './pipeline/variant.ts';
import { extraVariants, makeVariants } from './pipeline/variants/index.ts';
import { runWholeProcess } from './pipeline/whole-process/run.ts';
import { type BenchArgs, flagList, flagNumber } from './support/args.ts';
import { formatDuration, formatRate } from './support/format.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';

export const description =
  'CPU-heavy word count: weir p1/p2 vs stream.pipeline, plain threads and piscina; trivial job';

function paramsFor(args: BenchArgs): PipelineBenchParams {
  const base = args.quick ? QUICK : FULL;
  return {
    ...base,
    corpus: { ...base.corpus, lines: Math.round(flagNumber(args, 'lines', base.corpus.lines)) },
    rounds: Math.round(flagNumber(args, 'rounds', base.rounds)),
    trivial: {
      ...base.trivial,
      records: Math.round(flagNumber(args, 'records', base.trivial.records)),
      parallelisms: args.flags.has('skip-trivial') ? [] : base.trivial.parallelisms,
    },
  };
}

function selectVariants(
  args: BenchArgs,
  defaults: readonly WordCountVariant[],
  extras: readonly WordCountVariant[],
): WordCountVariant[] {
  const names = flagList(args, 'variants');
  if (names === undefined) return [...defaults];
  const all = [...defaults, ...extras];
  return names.map((name) => {
    const variant = all.find((v) => v.name === name);
    if (!variant)
      throw new Error(`unknown variant '${name}'; variants: ${all.map((v) => v.name).join(', ')}`);
    return variant;
  });
}

export async function run(args: BenchArgs): Promise<void> {
  if (args.flags.has('whole-process')) {
    await runWholeProcess(args);
    return;
  }
  const params = paramsFor(args);
  watchWithDashboard(args.flags.has('dashboard'));
  const variants = selectVariants(args, makeVariants(params), extraVariants(params));
  const machine = describeMachine();
  const startedAt = new Date();
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-pipeline-'));
  try {
    console.log(`weir pipeline benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
    console.log(`machine: ${formatMachine(machine)}`);
    const generating = performance.now();
    const corpus = writeCorpus(params.corpus, join(dir, 'corpus.jsonl'));
    const emptyCorpus = writeCorpus({ ...params.corpus, lines: 0 }, join(dir, 'empty.jsonl'));
    console.log(
      `corpus: ${corpus.lines} lines, ${(corpus.bytes / 1e6).toFixed(1)} MB, ${corpus.words} words, ` +
        `${corpus.expected.size} distinct (generated in ${formatDuration(performance.now() - generating)}); ` +
        `${params.rounds} round(s)\n`,
    );

    const wordCount = wordCountEntries(params, variants, corpus, emptyCorpus);
    const trivial = trivialEntries(params);
    const entries: Entry[] = [...wordCount, ...trivial];
    const samples = await runRounds(trialsOf(entries), params.rounds, (trial, round, { ms }) => {
      const entry = entries.find((e) => e.full === trial);
      const rate = entry ? `  ${formatRate(entry.units / (ms / 1000))} ${entry.unit}s/s` : '';
      const name = trial.name.padEnd(26);
      console.log(`  round ${round + 1}/${params.rounds}  ${name} ${formatDuration(ms).padStart(9)}${rate}`);
    });

    const wordCountRows = wordCount.map((e) => summarise(e, samples));
    const trivialRows = trivial.map((e) => summarise(e, samples));
    const targets = checkTargets(wordCountRows, trivialRows);
    const ceiling = ceilingShare(wordCountRows);
    console.log(`\n${resultsTable('word count', wordCountRows, variants[0]?.name)}\n`);
    if (trivialRows.length > 0) {
      console.log(`${resultsTable('trivial: generator → keyBy → sum → discard', trivialRows)}\n`);
    }
    if (targets.length > 0) console.log(`${targetsText(targets)}\n`);
    if (ceiling) console.log(`${ceilingText(ceiling)}\n`);
    console.log('every word-count run gave the generator’s counts; every trivial run sank every record');
    // The machine may be shared: the load at the end, next to the one at the start, tells how noisy.
    const loadAverageAtEnd = loadAverage();
    console.log(`load average at the end: ${loadAverageAtEnd.join(' ')}`);

    if (args.json) {
      const { expected, path: _path, ...corpusFigures } = corpus;
      printJsonResult({
        ...resultHeader('pipeline', args, startedAt, machine, loadAverageAtEnd),
        params,
        corpus: { ...corpusFigures, distinctWords: expected.size },
        wordCount: wordCountRows,
        trivial: trivialRows,
        targets,
        ceiling: ceiling ?? null,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
