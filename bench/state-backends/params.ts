/**
 * Every parameter of the state-backends benchmark, in one place, with the reason for its value.
 * The default run (1 M keys, heap vs LMDB vs RocksDB) takes about 6 minutes on a 2-core machine;
 * `--keys=20000000` is the larger-than-memory run (about an hour per on-disk backend: run it on an
 * idle machine); `--quick` is a smoke run of seconds.
 */

export interface StateBackendsBenchParams {
  /** Distinct keys; each holds a count and a payload. */
  readonly keys: number;
  /** Payload per key (a one-byte-character string). */
  readonly payloadBytes: number;
  /** Count updates per update phase (blind and read-modify-write, uniform and Zipf keys). */
  readonly updates: number;
  /** Exponent of the Zipf key distribution. */
  readonly zipfExponent: number;
  /** Fractions of keys changed before each incremental checkpoint. */
  readonly changedFractions: readonly number[];
  /** Rows the on-disk backends keep in memory (their default). */
  readonly cacheRows: number;
  /** `--max-old-space-size` of the on-disk backends' processes: their state must not need the heap. */
  readonly diskHeapCapMiB: number;
  /** Records of the job part, and its keyed parallelism. */
  readonly jobRecords: number;
  readonly jobKeys: number;
  readonly jobParallelism: number;
}

/** The full run at 1 M keys; `--keys` changes the state's size, the rest stays. */
export const FULL: StateBackendsBenchParams = {
  keys: 1_000_000,
  // 100 bytes: a small per-key record (a counter with some context), so that 1 M keys are about
  // 120 MB of state and 20 M keys 2.4 GB, several times a capped heap.
  payloadBytes: 100,
  // 200 000 per phase: a steady state of cache misses on the on-disk backends (16 384 cached
  // rows of 1 M keys), short enough for four phases and three backends in the default run.
  updates: 200_000,
  // 1.0: the classic web-access skew; the 100 hottest keys take a third of the updates at 1 M keys.
  zipfExponent: 1,
  // What the issue asks: 1 % and 10 % of the keys changed per checkpoint interval.
  changedFractions: [0.01, 0.1],
  cacheRows: 16_384,
  // 256 MiB: the on-disk backends must run with a heap far smaller than 20 M keys' state.
  diskHeapCapMiB: 256,
  // 400 000 records over 100 000 keys at parallelism 2 with 100-byte payloads: a few seconds each.
  jobRecords: 400_000,
  jobKeys: 100_000,
  jobParallelism: 2,
};

/** `--quick`: the same shape at 20 000 keys. */
export const QUICK: StateBackendsBenchParams = {
  ...FULL,
  keys: 20_000,
  updates: 20_000,
  jobRecords: 20_000,
  jobKeys: 5_000,
};
