/**
 * The flags of `weir chaos`, read into its settings: every problem is a `UsageError` naming the
 * flag as typed (command-line.ts), found before anything runs.
 */
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import type { CheckpointingMode } from '../../checkpoint/config.ts';
import { choiceFlag, numberFlag, parseCommandLine } from '../command-line.ts';
import { UsageError } from '../errors.ts';

export const CHAOS_USAGE = `usage: weir chaos <job-file> [options]

Proves that a defineJob job recovers: runs it without failures, then under a seeded schedule of
injected failures (a throw in an operator, a worker thread terminated, a checkpoint's
asynchronous part failing, kill -9 of the process and resume), and compares every run's committed
output with the failure-free one. Each run has a directory of its own as working directory: give
output paths relative, input paths absolute.

options:
      --runs <n>                runs with failures (default: 10)
      --seed <s>                seed of the failure schedule (default: random, printed)
      --run <k>                 only run k of the schedule (replays it, with the same --seed)
      --args <json>             arguments for the job, as JSON
  -p, --parallelism <n>         default parallelism (default: the job's)
      --checkpoint-interval <ms>  checkpoint every <ms> (default: 100)
      --checkpoint-mode <mode>  exactly-once (default: output must equal) or at-least-once
                                (nothing may be missing; duplicates are counted)
      --timeout <s>             time limit of each run (default: 300)
      --work-dir <dir>          where the runs' directories go (default: a temporary directory,
                                removed unless a run failed)
      --keep                    keep the runs' directories
      --json                    print the report as JSON
  -h, --help                    this help
`;

const FLAGS = {
  runs: { type: 'string' },
  seed: { type: 'string' },
  run: { type: 'string' },
  args: { type: 'string' },
  parallelism: { type: 'string', short: 'p' },
  'checkpoint-interval': { type: 'string' },
  'checkpoint-mode': { type: 'string' },
  timeout: { type: 'string' },
  'work-dir': { type: 'string' },
  keep: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What a `weir chaos` command line asks for. */
export interface Settings {
  readonly file: string;
  readonly args: unknown;
  readonly runs: number;
  readonly seed: number;
  readonly only: number | undefined;
  readonly parallelism: number | undefined;
  readonly intervalMs: number;
  readonly mode: CheckpointingMode;
  readonly timeoutMs: number;
  readonly workDir: string | undefined;
  readonly keep: boolean;
  readonly json: boolean;
  /** The flags that replay a run, beside --seed and --run. */
  readonly replayFlags: string[];
}

/** The settings `argv` gives, or `help`; throws `UsageError` naming the flag. */
export function settingsOf(argv: readonly string[]): Settings | 'help' {
  const line = parseCommandLine(argv, FLAGS);
  const { values, typed } = line;
  if (values.help) return 'help';
  if (line.positionals.length !== 1)
    throw new UsageError(
      line.positionals.length === 0
        ? 'missing the job file'
        : `one job file expected, got ${line.positionals.length}: ${line.positionals.join(' ')}`,
    );
  const integer = (flag: keyof typeof FLAGS, min: number): number | undefined => {
    const value = numberFlag(typed(flag), values[flag] as string | undefined);
    if (value !== undefined && (!Number.isInteger(value) || value < min))
      throw new UsageError(`${typed(flag)} must be an integer ≥ ${min}, got ${values[flag] as string}`);
    return value;
  };
  let args: unknown;
  if (values.args !== undefined) {
    try {
      args = JSON.parse(values.args);
    } catch (error) {
      throw new UsageError(
        `${typed('args')} must be JSON, got ${JSON.stringify(values.args)} (${(error as Error).message})`,
      );
    }
  }
  const runs = integer('runs', 0) ?? 10;
  const only = integer('run', 1);
  const seed = integer('seed', 0) ?? randomInt(2 ** 31);
  const parallelism = integer('parallelism', 1);
  const intervalMs = integer('checkpoint-interval', 10) ?? 100;
  const mode =
    choiceFlag(typed('checkpoint-mode'), values['checkpoint-mode'], [
      'exactly-once',
      'at-least-once',
    ] as const) ?? 'exactly-once';
  const replayFlags = [
    ...(values.args === undefined ? [] : ['--args', `'${values.args}'`]),
    ...(parallelism === undefined ? [] : ['-p', String(parallelism)]),
    ...(values['checkpoint-interval'] === undefined ? [] : ['--checkpoint-interval', String(intervalMs)]),
    ...(mode === 'exactly-once' ? [] : ['--checkpoint-mode', mode]),
  ];
  return {
    file: resolve(line.positionals[0]!),
    args,
    runs,
    seed,
    only,
    parallelism,
    intervalMs,
    mode,
    timeoutMs: (integer('timeout', 1) ?? 300) * 1000,
    workDir: values['work-dir'] === undefined ? undefined : resolve(values['work-dir']),
    keep: values.keep ?? false,
    json: values.json ?? false,
    replayFlags,
  };
}
