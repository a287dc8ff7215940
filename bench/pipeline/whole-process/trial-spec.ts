/**
 * What one whole-process trial runs, passed to its entry script as JSON in `argv[2]`, and what the
 * script prints as its last line, so the parent can check every variant against the plain loop.
 */

/** Where the lines come from. */
export type InputKind = 'iterable' | 'sequence' | 'file';

/** One trial's work. */
export interface TrialSpec {
  readonly input: InputKind;
  readonly records: number;
  /** The corpus file (input `file`). */
  readonly path: string;
  /** weir only. */
  readonly mode?: 'batch' | 'streaming';
  /** weir only: exactly-once checkpoints at this interval (streaming). */
  readonly checkpointMs?: number;
  /** weir only: streaming local aggregation (see `localAggregationMs`). */
  readonly localAggregationMs?: number;
  readonly parallelism?: number;
  /** weir only: `threadSharing` (undefined: the engine's default). */
  readonly threadSharing?: boolean;
}

/** What an entry reports: enough to tell a lost or doubled record. */
export interface TrialOutcome {
  readonly words: number;
  readonly distinct: number;
}

/** Reads the spec of this process's trial. */
export function trialSpec(): TrialSpec {
  return JSON.parse(process.argv[2] ?? '{}') as TrialSpec;
}

/** Prints the outcome as the last line of output. */
export function report(outcome: TrialOutcome): void {
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

/** The outcome of a word-count map. */
export function outcomeOf(counts: ReadonlyMap<string, number>): TrialOutcome {
  let words = 0;
  for (const n of counts.values()) words += n;
  return { words, distinct: counts.size };
}
