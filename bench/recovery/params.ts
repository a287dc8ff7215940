/**
 * Every parameter of the recovery benchmark, in one place, with the reason for its value, and the
 * target of the issue. The full run takes about two minutes on a 2-core machine; `--quick` is a
 * CI smoke run of about 5 s.
 */

/** One state size to recover. */
export interface StateTarget {
  readonly name: string;
  /** Keys to fill; each holds `payloadBytes` of payload, so the state is about keys × payloadBytes. */
  readonly keys: number;
}

export interface RecoveryBenchParams {
  readonly sizes: readonly StateTarget[];
  /** Payload per key: one-byte-character strings on the JS heap. */
  readonly payloadBytes: number;
  readonly keyedParallelism: number;
  /** Records per second of the source, before and after the failure. */
  readonly ratePerSecond: number;
  /** Old-generation heap limit of every worker thread, MB. */
  readonly maxOldGenerationSizeMb: number;
  /** Time between the completed checkpoint and the injected failure. */
  readonly settleMs: number;
  /** Repeat runs per size; sizes alternate within a round. */
  readonly rounds: number;
  /** A fill (state building) or restore that takes longer fails the run. */
  readonly fillTimeoutMs: number;
  readonly restoreTimeoutMs: number;
}

// 1000-byte payloads: a mid-sized value per key (a session, a small profile), so that per-key costs
// (hashing the key again, one Map insert) and per-byte costs (reading, checksums, string decoding)
// both show; the state size is then keys × ~1 KB.
const PAYLOAD_BYTES = 1000;

const common = {
  payloadBytes: PAYLOAD_BYTES,
  // Two keyed subtasks restore in parallel, one per core, as Flink restores subtasks in parallel.
  keyedParallelism: 2,
  // 200 000 records/s: fills 1 M keys in 5 s, and leaves the keyed subtasks idle most of the time,
  // so that the asynchronous snapshot of 1 GB is not starved by record processing.
  ratePerSecond: 200_000,
  // 1 GB of state over two subtasks is ~500 MB of strings per worker, plus the decoded blobs and the
  // Map while restoring; 3 GB leaves room for both and stays within the 24 GiB machine with the
  // old attempt's threads gone.
  maxOldGenerationSizeMb: 3072,
  // 200 ms: records flow after the checkpoint (the restore rewinds the source by that much).
  settleMs: 200,
  fillTimeoutMs: 120_000,
  restoreTimeoutMs: 120_000,
} as const;

/** The full run, recorded in docs/benchmarks/recovery.md. */
export const FULL: RecoveryBenchParams = {
  ...common,
  // The sizes: 1 MB (fixed costs only), 100 MB, 1 GB.
  sizes: [
    { name: '1 MB', keys: 1_000 },
    { name: '100 MB', keys: 100_000 },
    { name: '1 GB', keys: 1_000_000 },
  ],
  // Three rounds: a median and a range within a few minutes.
  rounds: 3,
};

/** `--quick`: 1 MB and 10 MB once each, for a CI smoke test. */
export const QUICK: RecoveryBenchParams = {
  ...common,
  sizes: [
    { name: '1 MB', keys: 1_000 },
    { name: '10 MB', keys: 10_000 },
  ],
  rounds: 1,
};

/** The target of the issue: restore within a fixed time plus the time to read the state. */
export const TARGET = {
  fixedMs: 100,
  readBytesPerSecond: 500e6,
} as const;

/** The target restore time for `stateBytes` of state, ms. */
export function targetMs(stateBytes: number): number {
  return TARGET.fixedMs + (stateBytes / TARGET.readBytesPerSecond) * 1000;
}
