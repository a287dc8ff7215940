/**
 * The contract between `bench/run.ts` and a benchmark subject `bench/<subject>.bench.ts`: the module
 * exports `run(args)`, prints a readable report, and with `--json` ends its output with one line
 * holding a single JSON object.
 */
import type { BenchArgs } from './args.ts';
import type { MachineDescription } from './machine.ts';

/** What a `bench/<subject>.bench.ts` module exports. */
export interface BenchSubject {
  /** Short description, shown when subjects are listed. */
  readonly description?: string;
  run(args: BenchArgs): Promise<void>;
}

/** Prints the machine-readable result: one JSON object on one line; call it last. */
export function printJsonResult(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * The fields every subject's JSON result starts with: the subject, quick or full, when it started,
 * the machine, and the load average at the end (how noisy the run was).
 */
export function resultHeader(
  subject: string,
  args: BenchArgs,
  startedAt: Date,
  machine: MachineDescription,
  loadAverageAtEnd: readonly number[],
): object {
  return {
    subject,
    mode: args.quick ? 'quick' : 'full',
    startedAt: startedAt.toISOString(),
    machine,
    loadAverageAtEnd,
  };
}
