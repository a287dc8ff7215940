/**
 * `npm run bench -- pipeline --whole-process`: every trial a fresh `node` process (weir from its
 * built package, baselines and peer bundled to JavaScript), rounds interleaved so that load from
 * elsewhere spreads over every variant; each variant's ratio to `stream.pipeline` is taken within
 * its round and the report gives the median and range of those paired ratios.
 *
 *   npm run bench -- pipeline --whole-process [--inputs=iterable,sequence,file]
 *     [--records=100000,300000,1000000,5000000] [--rounds N] [--only=weir-batch-p2,...] [--no-startup]
 *     [--local-aggregation-ms N] [--unshared]
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type BenchArgs, flagList, flagNumber } from '../../support/args.ts';
import { formatDuration, formatRatio } from '../../support/format.ts';
import { describeMachine, formatMachine, loadAverage } from '../../support/machine.ts';
import { type ProcessCost, runProcess } from '../../support/process-trial.ts';
import { median } from '../../support/stats.ts';
import { printJsonResult } from '../../support/subject.ts';
import { formatTable } from '../../support/table.ts';
import { buildEntries } from './build.ts';
import { lineAt } from './lines.ts';
import { planTrials, type Trial, type WholeProcessParams } from './plan.ts';
import type { InputKind, TrialOutcome } from './trial-spec.ts';

function paramsFor(args: BenchArgs): WholeProcessParams {
  const only = flagList(args, 'only');
  return {
    inputs: (flagList(args, 'inputs') ??
      (args.quick ? ['iterable'] : ['iterable', 'sequence', 'file'])) as InputKind[],
    // The sizes: 100 k shows start-up, 5 M the steady state.
    records: (
      flagList(args, 'records') ?? (args.quick ? ['20000'] : ['100000', '300000', '1000000', '5000000'])
    ).map(Number),
    // Five rounds: one trial's wall time on this shared VM moves by 20-40 % from minute to minute.
    rounds: Math.round(flagNumber(args, 'rounds', args.quick ? 1 : 5)),
    parallelism: Math.round(flagNumber(args, 'parallelism', availableParallelism())),
    // The interval for the exactly-once variant.
    checkpointMs: 1000,
    // 100 ms mini-batches: a word count's ~9 M updates at 300 k lines become ~1 M (20 ms: ~1.6 M).
    localAggregationMs: Math.round(flagNumber(args, 'local-aggregation-ms', 100)),
    startup: !args.flags.has('no-startup'),
    unshared: args.flags.has('unshared'),
    ...(only ? { only } : {}),
  };
}

function writeFiles(
  dir: string,
  inputs: readonly InputKind[],
  records: readonly number[],
): Map<number, string> {
  const paths = new Map<number, string>();
  if (!inputs.includes('file')) return paths;
  for (const count of records) {
    const path = join(dir, `lines-${count}.jsonl`);
    const chunks: string[] = [];
    for (let n = 0; n < count; n++) chunks.push(lineAt(n));
    writeFileSync(path, `${chunks.join('\n')}\n`);
    paths.set(count, path);
  }
  return paths;
}

interface Sample extends ProcessCost {
  readonly round: number;
}

export async function runWholeProcess(args: BenchArgs): Promise<void> {
  const params = paramsFor(args);
  const machine = describeMachine();
  console.log(`weir pipeline benchmark, whole process, ${new Date().toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  const built = await buildEntries();
  try {
    const paths = writeFiles(built.dir, params.inputs, params.records);
    const trials = planTrials(params, (n) => paths.get(n) ?? '');
    const samples = new Map<Trial, Sample[]>(trials.map((t) => [t, []]));
    const reference = new Map<string, TrialOutcome>();
    for (let round = 0; round < params.rounds; round++) {
      for (const trial of trials) {
        const args =
          trial.entry === 'weir-cli'
            ? [
                built.cli,
                'run',
                built.entry('job'),
                '--args',
                JSON.stringify(trial.spec),
                '-p',
                String(params.parallelism),
                '-q',
              ]
            : [built.entry(trial.entry), JSON.stringify(trial.spec)];
        const cost = await runProcess(args);
        check(trial, cost, reference);
        samples.get(trial)!.push({ ...cost, round });
      }
      console.log(`round ${round + 1}/${params.rounds} done, load ${loadAverage().join(' ')}`);
    }
    console.log(`\n${report(trials, samples)}`);
    console.log(`load average at the end: ${loadAverage().join(' ')}`);
    if (args.json) {
      printJsonResult({
        subject: 'pipeline-whole-process',
        machine,
        loadAverageAtEnd: loadAverage(),
        params,
        trials: trials.map((t) => ({ label: t.label, shape: t.shape, samples: samples.get(t) })),
      });
    }
  } finally {
    built.remove();
  }
}

/** Every variant must count what the single-thread baseline counted (streaming: words only, if known). */
function check(trial: Trial, cost: ProcessCost, reference: Map<string, TrialOutcome>): void {
  if (trial.entry === 'empty' || trial.shape === 'start-up') return;
  const outcome = JSON.parse(cost.lastLine) as TrialOutcome;
  const expected = reference.get(trial.shape);
  if (expected === undefined) {
    reference.set(trial.shape, outcome);
    return;
  }
  const wrongWords = outcome.words >= 0 && outcome.words !== expected.words;
  if (wrongWords || (outcome.distinct >= 0 && outcome.distinct !== expected.distinct)) {
    throw new Error(
      `${trial.label} on ${trial.shape}: counted ${cost.lastLine}, expected ${JSON.stringify(expected)}`,
    );
  }
}

function report(trials: readonly Trial[], samples: ReadonlyMap<Trial, readonly Sample[]>): string {
  const rows: string[][] = [];
  for (const trial of trials) {
    const mine = samples.get(trial)!;
    const baseline = trials.find(
      (t) => t.shape === trial.shape && t.entry === (trial.shape === 'start-up' ? 'empty' : 'node-stream'),
    );
    const base = baseline ? samples.get(baseline)! : [];
    const ratios = mine.map((s, i) => (base[i] ? base[i]!.wallMs / s.wallMs : Number.NaN));
    const over = mine.map((s, i) => (base[i] ? s.wallMs - base[i]!.wallMs : Number.NaN));
    const walls = mine.map((s) => s.wallMs);
    rows.push([
      trial.shape,
      trial.label,
      formatDuration(median(walls)),
      `${formatDuration(Math.min(...walls))}–${formatDuration(Math.max(...walls))}`,
      formatDuration(median(mine.map((s) => s.cpuMs))),
      `${median(mine.map((s) => s.peakRssMiB)).toFixed(0)} MiB`,
      trial.shape === 'start-up' ? `+${formatDuration(median(over))}` : formatRatio(median(ratios)),
      trial.shape === 'start-up'
        ? ''
        : `${formatRatio(Math.min(...ratios))}–${formatRatio(Math.max(...ratios))}`,
    ]);
  }
  return formatTable(
    [
      { title: 'shape' },
      { title: 'variant' },
      { title: 'wall', align: 'right' },
      { title: 'range', align: 'right' },
      { title: 'CPU', align: 'right' },
      { title: 'peak RSS', align: 'right' },
      { title: '× stream.pipeline (paired)', align: 'right' },
      { title: 'range', align: 'right' },
    ],
    rows,
  );
}
