/**
 * `weir bench <experiment>` and `weir report <results...>`: the experiment suite's commands, loaded
 * by the CLI (src/cli/bench-command.ts) only when one of them runs, so the rest of the CLI does not
 * pay for the suite (Vega, HdrHistogram), and the published package, which has no `bench/`, does
 * not need it.
 */
import type { SuiteCommands } from '../../src/cli/bench-command.ts';
import { parseArgs } from '../support/args.ts';
import { BENCH_USAGE, benchEntry, REPORT_USAGE, reportEntry } from './entry.ts';

function wantsHelp(argv: readonly string[]): boolean {
  return argv.length === 0 || argv.includes('--help') || argv.includes('-h');
}

/** `weir bench <experiment|all> [flags]`; resolves with the exit code. */
export async function benchCommand(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(BENCH_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const { subject, args } = parseArgs(argv);
  try {
    await benchEntry(args, subject, `weir bench ${argv.join(' ')}`);
    return 0;
  } catch (error) {
    process.stderr.write(`weir bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** `weir report <result.json>... [--out dir] [--name name]`; resolves with the exit code. */
export async function reportCommand(argv: readonly string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(REPORT_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  // parseArgs treats the first positional as a subject; `report` has none, so put one in front.
  const { args } = parseArgs(['report', ...argv]);
  try {
    await reportEntry(args);
    return 0;
  } catch (error) {
    process.stderr.write(`weir report: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// The loader in src/cli imports this module by URL, unchecked: keep its shape checked here.
({ benchCommand, reportCommand }) satisfies SuiteCommands;
