/**
 * The experiment job's arguments (plain data, the same in every thread) and the record it carries.
 * Kept apart from the job module so that the main thread can build arguments without loading it.
 */

/** One source of the job: its own operator, unioned with the others before the keyed exchange. */
export interface InputSpec {
  /** Subtasks of this source; each is one input channel of every keyed subtask. */
  readonly parallelism: number;
  /** Records per second over this source's subtasks; null: as fast as backpressure allows. */
  readonly ratePerSecond: number | null;
}

/** Arguments of `experiment.job.ts`. */
export interface ExperimentJobArgs {
  readonly inputs: readonly InputSpec[];
  /** Parallelism of the keyed operator and of the latency-recording sink chained to it. */
  readonly keyedParallelism: number;
  /** Distinct keys of the uniform part of the key distribution. */
  readonly keys: number;
  /** Share of the records (0..1) on one hot key. */
  readonly hotKeyShare: number;
  /** Payload bytes per key in keyed state (the state-size knob). */
  readonly payloadBytes: number;
  /** Busy work per record in the sink, µs (0: none); a slow sink backpressures the job. */
  readonly sinkDelayMicros: number;
  /** Name of the BroadcastChannel the sink subtasks answer histogram requests on. */
  readonly channel: string;
  /** Probe memory (`createProbeMemory(keyedParallelism)`): records counted per keyed subtask. */
  readonly probe: SharedArrayBuffer;
}

/**
 * A record: `[n, scheduledMicros, emittedMicros]`: its number (unique across inputs), the time it
 * was due at the source's offered rate, and the time the source emitted it (both on the
 * process-wide monotonic clock). Without a rate limit the two times are equal.
 */
export type StampedRecord = readonly [n: number, scheduledMicros: number, emittedMicros: number];

/** First record number of input `i`: inputs never share numbers. */
export function inputStart(i: number): number {
  return i * 2 ** 40;
}
