/**
 * What the embedded backends need of an on-disk store of rows: synchronous point reads, range scans
 * and all-or-nothing batched writes, and read snapshots that later writes never change. LMDB
 * (`state-store.ts`) and RocksDB (`../rocksdb/rocksdb-store.ts`) implement it; the row cache, the
 * handles, snapshots and restores above it are shared, so both backends behave alike.
 *
 * Thread: the owning subtask's worker thread only.
 */

/** One row write: `value` undefined removes the row. */
export interface RowWrite {
  readonly key: Buffer;
  readonly value: Uint8Array | undefined;
}

/** A row read back. */
export interface StoredRow {
  readonly key: Buffer;
  readonly value: Buffer;
}

/** A read snapshot of a store; `done` releases it (call once). */
export interface StoreSnapshot {
  done(): void;
}

/** An on-disk store of rows ordered by key bytes. */
export interface RowStore {
  /** Resolves when the store is open (a store that opens asynchronously); use nothing before. */
  open(): Promise<void>;
  /** The row under `key` (a copy), or `undefined`. */
  get(key: Buffer): Buffer | undefined;
  /** Applies `writes` atomically (all or nothing). */
  write(writes: readonly RowWrite[]): void;
  /** The rows in [start, end), in key order, as of `snapshot` (default: the latest state). */
  rows(start: Buffer, end: Buffer, snapshot?: StoreSnapshot): IterableIterator<StoredRow>;
  /** Whether any row lies in [start, end) as of `snapshot` (default: the latest state). */
  hasRows(start: Buffer, end: Buffer, snapshot?: StoreSnapshot): boolean;
  /** Removes every row in [start, end), atomically. */
  removeRange(start: Buffer, end: Buffer): void;
  /** A consistent read snapshot of the store as it is now; release it with `done()`. */
  snapshot(): StoreSnapshot;
  /**
   * Closes the store; idempotent. Snapshots must have been released. Its files may be removed on
   * return, or, if it returns a promise (a store that closes asynchronously), once that settles.
   */
  close(): Promise<void> | undefined;
}
