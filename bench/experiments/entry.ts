/**
 * The command-line entry of the experiment suite, shared by `npm run bench -- <experiment>` (the
 * `bench/<experiment>.bench.ts` subjects) and `weir bench` / `weir report` (src/cli): `bench` runs
 * one experiment, or all three with `all`; `report` regenerates a report from result files.
 */
import { InvalidOptionError } from '../../src/index.ts';
import type { BenchArgs } from '../support/args.ts';
import { printJsonResult } from '../support/subject.ts';
import { EXPERIMENT_NAMES, EXPERIMENTS } from './experiments.ts';
import { flagName, PARAM_NAMES } from './params.ts';
import { writeReport } from './report/write-report.ts';
import { readResult } from './result-file.ts';
import { benchExperiment, DEFAULT_OUT } from './runner.ts';

/** Help text of `weir bench`. */
export const BENCH_USAGE = `usage: weir bench <experiment|all> [--quick] [--params file.json] [--<parameter> value]...
                  [--out dir] [--report dir] [--no-report] [--json]

experiments:
${EXPERIMENT_NAMES.map((n) => `  ${n.padEnd(16)} ${EXPERIMENTS[n].title}`).join('\n')}
  all              the three, one after the other

  --quick           the CI smoke version (tiny windows, one repeat)
  --params <file>   a JSON object of parameters (overridden by flags)
  --out <dir>       where the result JSON goes (default ${DEFAULT_OUT})
  --report <dir>    where the report (Markdown + SVG) goes (default: --out)
  --no-report       only the JSON

parameters (lists comma-separated): ${PARAM_NAMES.map(flagName).join(', ')}
`;

/** Help text of `weir report`. */
export const REPORT_USAGE = `usage: weir report <result.json>... [--out dir] [--name experiments]

Regenerates the Markdown report and its SVG plots from result files of \`weir bench\`.
`;

/** Runs `bench <experiment|all>`; resolves with the result files. */
export async function benchEntry(
  args: BenchArgs,
  experiment: string | undefined,
  command: string,
): Promise<string[]> {
  if (experiment === undefined)
    throw new InvalidOptionError('experiment', `one of ${EXPERIMENT_NAMES.join(', ')}, all`, experiment);
  const names = experiment === 'all' ? EXPERIMENT_NAMES : [experiment];
  const files: string[] = [];
  for (const name of names) files.push(await benchExperiment(name, args, command));
  if (args.json) printJsonResult({ subject: experiment, results: files.map((f) => readResult(f)) });
  return files;
}

/** Runs `report <files...>`; resolves with the Markdown file written. */
export async function reportEntry(args: BenchArgs): Promise<string> {
  if (args.positional.length === 0)
    throw new InvalidOptionError('report', 'one or more result JSON files', args.positional);
  const results = args.positional.map((f) => readResult(f));
  const dir = args.flags.get('out');
  const name = args.flags.get('name');
  if (dir === true || name === true)
    throw new InvalidOptionError(dir === true ? '--out' : '--name', 'a value', true);
  const written = await writeReport(results, { dir: dir ?? '.', name: name ?? 'experiments' });
  console.log(`report: ${written.markdown} (${written.svgs.length} SVG plots)`);
  return written.markdown;
}
