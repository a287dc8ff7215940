/**
 * The RocksDB backend's on-disk store: one RocksDB database (`@nxtedition/rocksdb`) in the backend's
 * working directory, holding every row (`../lmdb/row-key.ts`) as raw bytes. Of the Node bindings
 * this is the one with the synchronous calls weir's state interface needs: `MultiGet`, `Write` of a
 * batch and iterator reads all run on the calling thread (rocksdb-native, the other maintained
 * binding, answers every read through a promise). A read snapshot is an iterator: RocksDB pins a
 * consistent view of the database when an iterator is created, so later writes never change what
 * it reads; scans of a snapshot seek that one iterator.
 *
 * Opening and closing run on libuv's thread pool (the binding has no synchronous open), hence
 * `open()`; nothing may be used before it resolves. Working data only, as with LMDB: state is
 * recovered from checkpoints, never from this store, so writes are not synced, and the memtables
 * and block cache are sized small so that a backend's native memory stays bounded (a few tens of
 * MiB) whatever the state's size.
 *
 * Thread: the owning subtask's worker thread only.
 */
import { createRequire } from 'node:module';
import { MissingDependencyError } from '../../errors.ts';
import { StateAccessError } from '../errors.ts';
import type { RowStore, RowWrite, StoredRow, StoreSnapshot } from '../lmdb/row-store.ts';

/** The part of `@nxtedition/rocksdb` used here (it ships no type declarations). */
interface RocksIterator {
  _seekSync(target: Buffer): void;
  _nextvSync(size: number, options: object): { rows: Buffer[]; finished: boolean };
  _closeSync(): void;
}
interface RocksBatch {
  _put(key: Buffer, value: Uint8Array, options: object): void;
  _del(key: Buffer, options: object): void;
  _writeSync(options: object): void;
  _clear(): void;
}
interface RocksLevel {
  open(options: object): Promise<void>;
  close(): Promise<void>;
  _getManySync(keys: Buffer[], options: object): (Buffer | undefined | null)[];
  _chainedBatch(): RocksBatch;
  _iterator(options: object): RocksIterator;
  detachResource(resource: object): void;
}
interface RocksModule {
  RocksLevel: new (location: string, options: object) => RocksLevel;
}

/** The npm package of the binding (an optional peer dependency). */
export const ROCKSDB_PACKAGE = '@nxtedition/rocksdb';

/**
 * Loads the binding through `load` (`require` here; tests pass another).
 * @throws MissingDependencyError when the package is not installed.
 */
export function loadRocksLibrary(load: (name: string) => unknown = requireHere): RocksModule {
  try {
    return load(ROCKSDB_PACKAGE) as RocksModule;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingDependencyError(ROCKSDB_PACKAGE, 'The RocksDB state backend', error);
  }
}
const requireHere = createRequire(import.meta.url);

let rocks: RocksModule | undefined;
/** The binding, loaded when the first store is created: only jobs on the RocksDB backend need it. */
function rocksLibrary(): RocksModule {
  rocks ??= loadRocksLibrary();
  return rocks;
}

/**
 * Per database: 4 memtables of 8 MiB at most (the binding's level-style tuning of a 32 MiB budget,
 * 48 MiB in the worst case) and an 8 MiB block cache. The row cache above already holds the hot
 * rows decoded, so a bigger block cache would mostly cache them twice. Rows are msgpack, often
 * small: compression would cost CPU on every flush for little.
 */
const OPEN_OPTIONS = {
  createIfMissing: true,
  // Background flush and compaction threads: process-wide (RocksDB's default environment), so
  // shared by every database of the process; the binding's default is half the cores.
  parallelism: 2,
  errorIfExists: true,
  compaction: 'level',
  memtableMemoryBudget: 32 << 20,
  cacheSize: 8 << 20,
  compression: false,
  infoLogLevel: 'error',
} as const;

/** Rows read per native call during scans. */
const SCAN_BATCH = 256;
const BUFFERS = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const;
const NO_OPTIONS = {};

/** The store was used before `open()` resolved or after `close()`: a bug in the caller. */
function notOpen(): StateAccessError {
  return new StateAccessError(
    'disposed',
    'the RocksDB state store is not open (used before open() resolved, or after the backend was disposed)',
  );
}

/**
 * The binding's native calls, without abstract-level's bookkeeping: its public `batch()` keeps
 * every operation in a JS array and, written with `_writeSync`, stays attached to the database
 * for ever (so every write would stay on the heap); its `iterator()` stays attached the same way.
 * One native batch is reused for every write; iterators are detached when closed.
 */
function openIterator(db: RocksLevel, options: object): RocksIterator {
  return db._iterator({ ...options, ...BUFFERS });
}
function closeIterator(db: RocksLevel, iterator: RocksIterator): void {
  iterator._closeSync();
  db.detachResource(iterator);
}

/** A read snapshot: an iterator over the whole database, created at the snapshot point. */
class IteratorSnapshot implements StoreSnapshot {
  readonly iterator: RocksIterator;
  readonly #db: RocksLevel;
  /** The scan that last moved the iterator; another scan re-seeks before reading on. */
  owner: object | undefined;
  #done = false;
  constructor(db: RocksLevel) {
    this.#db = db;
    this.iterator = openIterator(db, {});
  }
  done(): void {
    if (this.#done) return;
    this.#done = true;
    closeIterator(this.#db, this.iterator);
  }
}

/** A RocksDB database of rows. */
export class RocksStore implements RowStore {
  readonly #directory: string;
  #db: RocksLevel | undefined;
  #batch: RocksBatch | undefined;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  /** Loads the binding (or throws MissingDependencyError); `open()` creates the database in `directory`. */
  constructor(directory: string) {
    rocksLibrary();
    this.#directory = directory;
  }

  open(): Promise<void> {
    this.#opening ??= (async () => {
      // Bytes in, bytes out: the level API's default encoding (utf8) would mangle binary rows.
      const db = new (rocksLibrary().RocksLevel)(this.#directory, BUFFERS);
      await db.open(OPEN_OPTIONS);
      if (this.#closing !== undefined) await db.close();
      else {
        this.#db = db;
        this.#batch = db._chainedBatch();
      }
    })();
    return this.#opening;
  }

  get(key: Buffer): Buffer | undefined {
    return this.#open()._getManySync([key], NO_OPTIONS)[0] ?? undefined;
  }

  write(writes: readonly RowWrite[]): void {
    if (writes.length === 0) return;
    this.#open();
    const batch = this.#batch!;
    try {
      for (const { key, value } of writes) {
        if (value === undefined) batch._del(key, NO_OPTIONS);
        else batch._put(key, value, NO_OPTIONS);
      }
      batch._writeSync(NO_OPTIONS);
    } finally {
      batch._clear();
    }
  }

  *rows(start: Buffer, end: Buffer, snapshot?: StoreSnapshot): IterableIterator<StoredRow> {
    if (snapshot !== undefined) {
      yield* this.#snapshotRows(snapshot as IteratorSnapshot, start, end);
      return;
    }
    const db = this.#open();
    const iterator = openIterator(db, { gte: start, lt: end });
    try {
      for (;;) {
        const { rows, finished } = iterator._nextvSync(SCAN_BATCH, NO_OPTIONS);
        for (let i = 0; i < rows.length; i += 2) yield { key: rows[i]!, value: rows[i + 1]! };
        if (finished || rows.length === 0) return;
      }
    } finally {
      closeIterator(db, iterator);
    }
  }

  hasRows(start: Buffer, end: Buffer, snapshot?: StoreSnapshot): boolean {
    for (const _ of this.rows(start, end, snapshot)) return true;
    return false;
  }

  removeRange(start: Buffer, end: Buffer): void {
    const writes = Array.from(this.rows(start, end), ({ key }) => ({ key, value: undefined }));
    this.write(writes);
  }

  snapshot(): StoreSnapshot {
    return new IteratorSnapshot(this.#open());
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      // An open still running closes the database itself when it ends (see `open`).
      if (this.#opening !== undefined) await this.#opening.catch(() => undefined);
      const db = this.#db;
      this.#db = undefined;
      this.#batch = undefined;
      // abstract-level's close also closes the batch, attached since `open`.
      await db?.close();
    })();
    return this.#closing;
  }

  #open(): RocksLevel {
    if (this.#db === undefined) throw notOpen();
    return this.#db;
  }

  /** Rows of [start, end) through a snapshot's iterator, re-seeking if another scan moved it. */
  *#snapshotRows(snapshot: IteratorSnapshot, start: Buffer, end: Buffer): IterableIterator<StoredRow> {
    const { iterator } = snapshot;
    const scan = {};
    let last: Buffer | undefined;
    for (;;) {
      if (snapshot.owner !== scan) {
        snapshot.owner = scan;
        iterator._seekSync(last ?? start);
      }
      const { rows, finished } = iterator._nextvSync(SCAN_BATCH, NO_OPTIONS);
      for (let i = 0; i < rows.length; i += 2) {
        const key = rows[i]!;
        if (Buffer.compare(key, end) >= 0) return;
        // After a re-seek the iterator stands on the last key already yielded.
        if (last !== undefined && Buffer.compare(key, last) <= 0) continue;
        last = key;
        yield { key, value: rows[i + 1]! };
        // The consumer may have scanned the same snapshot meanwhile: read on from `last`.
        if (snapshot.owner !== scan) break;
      }
      if (snapshot.owner === scan && (finished || rows.length === 0)) return;
    }
  }
}
