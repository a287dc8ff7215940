/**
 * The shapes of keyed-state snapshots, shared by every backend. A snapshot is taken in two parts, as
 * in Flink: `backend.snapshot()` is the short synchronous part, run between two records at the
 * checkpoint barrier, that fixes what the snapshot will contain; `encode()` is the asynchronous part
 * that turns that state into bytes while records keep being processed. The bytes are one
 * self-contained, checksummed blob per key group, so that on restore at another parallelism each
 * new subtask receives exactly the key groups of its new range, whichever old subtask wrote them.
 */
import type { KeyGroupRange } from './key-groups.ts';

/** The encoded state of one key group. Plain data: it may cross `postMessage` or go to storage. */
export interface KeyGroupStateHandle {
  /** The key group. */
  readonly keyGroup: number;
  /** The key group's state in the key-group snapshot format (see `key-group-codec.ts`). */
  readonly bytes: Uint8Array;
  /**
   * Set when the blob holds this one state of the key group only (incremental snapshots write one
   * blob per state and key group); absent when it holds every state of the key group.
   */
  readonly state?: string;
  /**
   * The bytes were already verified by a checksum that covers them (the state file's, checked when
   * it was read): a restore skips the blob's own CRC-32 instead of checking every byte twice.
   */
  readonly verified?: boolean;
}

/** A (state, key group) an incremental snapshot did not encode, because it is unchanged. */
export interface ReusedStateBlob {
  readonly state: string;
  readonly keyGroup: number;
}

/**
 * What an incremental snapshot may reuse: the blobs of an earlier snapshot of the same backend that
 * the caller still has (as part of a completed checkpoint).
 */
export interface IncrementalBase {
  /** The {@link KeyedStateSnapshot.sequence} of the earlier snapshot. */
  readonly sequence: number;
  /** Whether the caller still has the blob of `state` in `keyGroup` from that snapshot. */
  has(state: string, keyGroup: number): boolean;
}

/** A completed keyed-state snapshot of one subtask. */
export interface EncodedKeyedState {
  /** The max parallelism the state was written with; restore requires the same. */
  readonly maxParallelism: number;
  /** The key groups the writing subtask owned. */
  readonly keyGroupRange: KeyGroupRange;
  /** One handle per key group that held state, in ascending key-group order. */
  readonly keyGroups: readonly KeyGroupStateHandle[];
  /** Total size of the encoded bytes. */
  readonly sizeBytes: number;
  /** Number of (state, key) entries encoded. */
  readonly entries: number;
  /** Incremental snapshots: the (state, key group) pairs left out because the base has them unchanged. */
  readonly reused?: readonly ReusedStateBlob[];
}

/** Options of {@link KeyedStateSnapshot.encode}. */
export interface SnapshotEncodeOptions {
  /** Entries encoded between two yields to the event loop (default 512). */
  readonly batchEntries?: number;
  /**
   * How to let other work run between batches; defaults to waiting for `setImmediate`, so that
   * records and control messages are processed while a large state is encoded. Tests inject a
   * function that writes to the backend here, deterministically.
   */
  readonly yieldControl?: () => Promise<void>;
  /**
   * Time-sliced encoding: yield only once a batch ends at least this many ms after the last yield,
   * instead of after every batch. With small batches this bounds how long the encoding holds the
   * thread at a stretch (records wait behind it) whatever the speed of the code (cold or warm).
   */
  readonly sliceMs?: number;
  /** The clock of `sliceMs` (ms, monotonic); default `performance.now`. */
  readonly now?: () => number;
  /**
   * Encode incrementally: one blob per (state, key group), and none for a (state, key group) that
   * `base` has and that was not written since `base` was captured (listed in `reused` instead).
   * `{}` (no base) encodes everything, one blob per state and key group, so that later incremental
   * snapshots can reuse its blobs.
   */
  readonly incremental?: { readonly base?: IncrementalBase };
}

/** The state of one subtask as of a snapshot point, not yet encoded. */
export interface KeyedStateSnapshot {
  /** The key groups the snapshot covers. */
  readonly keyGroupRange: KeyGroupRange;
  /**
   * Increases with every snapshot of the same backend; an incremental snapshot names its base by
   * this number. Absent when the backend does not support incremental snapshots (they then encode
   * everything).
   */
  readonly sequence?: number;
  /**
   * Encodes the state as it was when the snapshot was taken, key group by key group, yielding to
   * the event loop between batches. May be called once; it releases the snapshot when done, so
   * that writes stop copying. Rejects with a StateAccessError (reason `snapshot-released`) if the
   * snapshot is released meanwhile, or `unencodable-value` if a value cannot be encoded.
   */
  encode(options?: SnapshotEncodeOptions): Promise<EncodedKeyedState>;
  /** Gives up the snapshot (checkpoint aborted): frees what it holds. Idempotent. */
  release(): void;
}
