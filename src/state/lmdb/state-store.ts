/**
 * The embedded backend's on-disk store: one LMDB environment (lmdb-js) in the backend's working
 * directory, holding every row (see `row-key.ts`) as raw bytes. LMDB fits weir's synchronous state
 * interface: point reads (`getBinary`), range scans (`getRange`) and write transactions
 * (`transactionSync`) are all synchronous, and a read transaction is a consistent MVCC snapshot
 * that later write transactions never change (the snapshot's synchronous part is opening one).
 *
 * The working store is not durable on purpose: state is recovered from checkpoints, never from this
 * store, so it is opened without syncs (`noSync`, `noMetaSync`), which makes a commit a memory
 * operation. The map grows on demand (lmdb-js resizes it when full).
 *
 * Thread: the owning subtask's worker thread only.
 */
import { createRequire } from 'node:module';
import type * as Lmdb from 'lmdb';
import type { Key, RootDatabase, Transaction } from 'lmdb';
import { MissingDependencyError } from '../../errors.ts';
import type { RowStore, RowWrite, StoredRow, StoreSnapshot } from './row-store.ts';

let lmdb: typeof Lmdb | undefined;
/**
 * lmdb-js, loaded when the first store opens: loading it costs a worker ~50 ms of CPU, and every
 * worker imports this module with the engine whichever state backend its job uses.
 */
function lmdbLibrary(): typeof Lmdb {
  try {
    lmdb ??= createRequire(import.meta.url)('lmdb') as typeof Lmdb;
  } catch (error) {
    // lmdb is an optional peer dependency: only jobs on the embedded backend need it.
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingDependencyError('lmdb', 'The embedded state backend', error);
  }
  return lmdb;
}

/** An LMDB environment of rows. */
export class StateStore implements RowStore {
  readonly #db: RootDatabase<Buffer, Key>;
  #closed = false;

  /** Opens (creating) the store in `directory`, which must be empty or hold only this store. */
  constructor(directory: string) {
    this.#db = lmdbLibrary().open<Buffer, Key>({
      path: directory,
      encoding: 'binary',
      keyEncoding: 'binary',
      compression: false,
      cache: false,
      noSync: true,
      noMetaSync: true,
      overlappingSync: false,
      noMemInit: true,
    });
  }

  /** LMDB opens synchronously, in the constructor. */
  open(): Promise<void> {
    return Promise.resolve();
  }

  /** The row under `key` (a copy), or `undefined`. */
  get(key: Buffer): Buffer | undefined {
    return this.#db.getBinary(key);
  }

  /** Applies `writes` in one write transaction (all or nothing). */
  write(writes: readonly RowWrite[]): void {
    if (writes.length === 0) return;
    const db = this.#db;
    db.transactionSync(() => {
      for (const { key, value } of writes) {
        if (value === undefined) db.removeSync(key);
        else db.putSync(key, value as Buffer);
      }
    });
  }

  /** The rows in [start, end), in key order, as of `snapshot` (default: the latest state). */
  *rows(start: Buffer, end: Buffer, snapshot?: StoreSnapshot): IterableIterator<StoredRow> {
    const options =
      snapshot === undefined ? { start, end } : { start, end, transaction: snapshot as Transaction };
    for (const { key, value } of this.#db.getRange(options)) yield { key: key as Buffer, value };
  }

  /** Whether any row lies in [start, end) as of `snapshot` (default: the latest state). */
  hasRows(start: Buffer, end: Buffer, snapshot?: StoreSnapshot): boolean {
    const options =
      snapshot === undefined
        ? { start, end, limit: 1 }
        : { start, end, limit: 1, transaction: snapshot as Transaction };
    for (const _ of this.#db.getKeys(options)) return true;
    return false;
  }

  /** Removes every row in [start, end), in one write transaction. */
  removeRange(start: Buffer, end: Buffer): void {
    const keys = Array.from(this.#db.getKeys({ start, end }), (key) => ({
      key: key as Buffer,
      value: undefined,
    }));
    this.write(keys);
  }

  /** A consistent read snapshot of the store as it is now; release it with `done()`. */
  snapshot(): StoreSnapshot {
    return this.#db.useReadTransaction();
  }

  /** Closes the environment; idempotent. Snapshots must have been released. */
  close(): undefined {
    if (this.#closed) return;
    this.#closed = true;
    // lmdb-js closes synchronously when no write is queued (none is: every write here is sync).
    void this.#db.close();
  }
}
