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

/**
 * A record once the keyed operator took it from its input channel: the stamp it adds is where the
 * channel stage ends (batching, the ring, the consumer's wake-up and decoding lie before it).
 */
export type TakenRecord = readonly [
  n: number,
  scheduledMicros: number,
  emittedMicros: number,
  takenMicros: number,
];

/**
 * The stages of a record's end-to-end latency, each from one stamp to the next: `source` (scheduled
 * → emitted: the rate limiter's and the source thread's lateness), `channel` (emitted → taken by the
 * keyed operator: batching, flush, the ring, wake-up, decoding), `task` (taken → sink arrival: the
 * keyed work and anything the consuming thread does in between, snapshots included).
 */
export const LATENCY_STAGES = ['source', 'channel', 'task'] as const;
export type LatencyStage = (typeof LATENCY_STAGES)[number];

/** First record number of input `i`: inputs never share numbers. */
export function inputStart(i: number): number {
  return i * 2 ** 40;
}
