/**
 * `weir bench <experiment>` and `weir report <results...>`: the experiment suite's commands. The
 * suite lives with the benchmarks (bench/experiments/); it is loaded only when one of these commands
 * runs, so the rest of the CLI does not pay for it (Vega, HdrHistogram).
 */
import { parseArgs } from '../../bench/support/args.ts';

type Entry = typeof import('../../bench/experiments/entry.ts');

async function loadSuite(): Promise<Entry> {
  return import('../../bench/experiments/entry.ts');
}

function wantsHelp(argv: readonly string[]): boolean {
  return argv.length === 0 || argv.includes('--help') || argv.includes('-h');
}

/** `weir bench <experiment|all> [flags]`; resolves with the exit code. */
export async function benchCommand(argv: readonly string[]): Promise<number> {
  const suite = await loadSuite();
  if (wantsHelp(argv)) {
    process.stdout.write(suite.BENCH_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const { subject, args } = parseArgs(argv);
  try {
    await suite.benchEntry(args, subject, `weir bench ${argv.join(' ')}`);
    return 0;
  } catch (error) {
    process.stderr.write(`weir bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** `weir report <result.json>... [--out dir] [--name name]`; resolves with the exit code. */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  const suite = await loadSuite();
  if (wantsHelp(argv)) {
    process.stdout.write(suite.REPORT_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  // parseArgs treats the first positional as a subject; `report` has none, so put one in front.
  const { args } = parseArgs(['report', ...argv]);
  try {
    await suite.reportEntry(args);
    return 0;
  } catch (error) {
    process.stderr.write(`weir report: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
