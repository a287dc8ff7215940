/**
 * Every parameter of the state-backends benchmark, in one place, with the reason for its value.
 * The full run takes about two minutes on a 2-core machine; `--quick` is a smoke run of seconds.
 */

export interface StateBackendsBenchParams {
  /** Distinct keys; each holds a count and a payload, so the state is about keys × payloadBytes. */
  readonly keys: number;
  /** Payload per key (a one-byte-character string). */
  readonly payloadBytes: number;
  /** Count updates of random keys after the fill (read-modify-write, mostly cache misses). */
  readonly updates: number;
  /** Rows the embedded backend keeps in memory (its default). */
  readonly cacheRows: number;
  /** Records of the job part, and its keyed parallelism. */
  readonly jobRecords: number;
  readonly jobKeys: number;
  readonly jobParallelism: number;
}

// 1000-byte payloads, as in the recovery benchmark: a mid-sized value per key (a session, a small
// profile), so per-key and per-byte costs both show.
const PAYLOAD_BYTES = 1000;

/** The full run: 100 MB of state (100 000 keys × 1 KB), the figure docs/state-backends.md quotes. */
export const FULL: StateBackendsBenchParams = {
  keys: 100_000,
  payloadBytes: PAYLOAD_BYTES,
  // Three updates per key: enough to reach a steady state of cache misses with 16 384 cached rows.
  updates: 300_000,
  cacheRows: 16_384,
  // 400 000 records over 100 000 keys at parallelism 2: one payload write and four count updates
  // per key, ~50 MB of state per subtask, a few seconds per backend.
  jobRecords: 400_000,
  jobKeys: 100_000,
  jobParallelism: 2,
};

/** `--quick`: the same shape at 5 MB. */
export const QUICK: StateBackendsBenchParams = {
  keys: 5_000,
  payloadBytes: PAYLOAD_BYTES,
  updates: 15_000,
  cacheRows: 16_384,
  jobRecords: 20_000,
  jobKeys: 5_000,
  jobParallelism: 2,
};
