/**
 * `weir bench <experiment>` and `weir report <results...>`: the experiment suite's commands. The
 * suite lives with the benchmarks (`bench/experiments/cli.ts`), in a checkout of weir only: it is
 * imported by URL when one of these commands runs (so that neither the rest of the CLI nor the
 * build of `src/` depends on it), and the installed package, which has no `bench/`, says so.
 */
import { existsSync } from 'node:fs';

/** What `bench/experiments/cli.ts` exports. */
export interface SuiteCommands {
  benchCommand(argv: readonly string[]): Promise<number>;
  reportCommand(argv: readonly string[]): Promise<number>;
}

const SUITE = new URL('../../bench/experiments/cli.ts', import.meta.url);

/** The suite, or `undefined` when this is the built engine (`dist/`) or `bench/` is missing. */
async function loadSuite(): Promise<SuiteCommands | undefined> {
  if (!import.meta.url.endsWith('.ts') || !existsSync(SUITE)) return undefined;
  return (await import(SUITE.href)) as SuiteCommands;
}

async function runSuite(command: 'bench' | 'report', argv: readonly string[]): Promise<number> {
  const suite = await loadSuite();
  if (!suite) {
    process.stderr.write(
      `weir ${command}: the experiment suite is part of weir's source repository (bench/experiments), ` +
        'not of the installed package: run it from a clone of the repository (npm ci, then bin/weir.mjs)\n',
    );
    return 2;
  }
  return command === 'bench' ? suite.benchCommand(argv) : suite.reportCommand(argv);
}

/** `weir bench <experiment|all> [flags]`; resolves with the exit code. */
export function benchCommand(argv: readonly string[]): Promise<number> {
  return runSuite('bench', argv);
}

/** `weir report <result.json>... [--out dir] [--name name]`; resolves with the exit code. */
export function reportCommand(argv: readonly string[]): Promise<number> {
  return runSuite('report', argv);
}
