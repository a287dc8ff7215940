/**
 * The embedded keyed-state backend (Flink's RocksDB state backend): keyed state lives in an LMDB
 * store (`stateBackend: 'embedded'`) or a RocksDB one (`'rocksdb'`, `../rocksdb/rocksdb-store.ts`),
 * behind `row-store.ts`, in a working directory on disk, so it may be far larger than the heap. Rows are laid
 * out by key group, then state, then key (`row-key.ts`); the only state in memory is a bounded cache
 * of decoded rows that doubles as the write buffer (`row-cache.ts`). The state handles are the heap
 * backend's, over a row access (`row-access.ts`), so both backends behave alike; snapshots write the
 * heap backend's key-group format (`embedded-snapshot.ts`) and restores read it
 * (`embedded-restore.ts`), so checkpoints and savepoints move between backends.
 *
 * Differences from the heap backend a user may notice: values are serialized (msgpack) when their
 * row is written to LMDB, so a value read back after its row left the cache is an equal copy, and a
 * value msgpack cannot encode fails the record whose access evicts its row (not only the
 * checkpoint); a list or map is one row per key, rewritten whole when written.
 *
 * Thread: the owning subtask's worker thread only.
 */

import { InvalidOptionError, UnsafeDirectoryError } from '../../errors.ts';
import { yieldToEventLoop } from '../../util/event-loop.ts';
import { type AnyStateDescriptor, checkStateDescriptor } from '../any-state-descriptor.ts';
import { checkKeyGroupOwned, keyNotOwned, kindConflict, resolveKeyGroups } from '../backend-checks.ts';
import { encodeKey } from '../key-encoding.ts';
import { DEFAULT_MAX_PARALLELISM, type KeyGroupRange } from '../key-groups.ts';
import type { KeyedStateBackend, RestoreOptions } from '../keyed-state-backend.ts';
import type { KeyedStateSnapshot, KeyGroupStateHandle } from '../keyed-state-snapshot.ts';
import { RocksStore } from '../rocksdb/rocksdb-store.ts';
import type { StateDescriptor, StateKind } from '../state-descriptor.ts';
import { embeddedHandle } from './lmdb-kinds.ts';
import { type EmbeddedRestoreTarget, restoreRows } from './lmdb-restore.ts';
import { EmbeddedSnapshot } from './lmdb-snapshot.ts';
import { type RegisteredState, SnapshotCounter } from './registered-state.ts';
import { RowAccess, RowKeyContext } from './row-access.ts';
import { RowCache } from './row-cache.ts';
import { rowCanonical, rowUserKey } from './row-codec.ts';
import { canonicalOfMapKey, keyGroupRows, MAX_STATE_ID, stateRange } from './row-key.ts';
import type { RowStore } from './row-store.ts';
import { StateStore } from './state-store.ts';
import {
  createWorkingDirectory,
  defaultStateDirectory,
  removeWorkingDirectory,
} from './working-directory.ts';

/** The default capacity of the row cache, in rows. */
export const DEFAULT_CACHE_ROWS = 16_384;

/** Options of {@link EmbeddedKeyedStateBackend}. */
export interface EmbeddedKeyedStateBackendOptions {
  /** Number of key groups of the operator (default {@link DEFAULT_MAX_PARALLELISM}). */
  readonly maxParallelism?: number;
  /** The key groups this subtask owns (default: all). */
  readonly keyGroupRange?: KeyGroupRange;
  /**
   * The base directory under which the backend creates its own working directory (removed on
   * dispose); default `<os.tmpdir()>/weir-state-<uid>` (private to the user: 0700, refused if another user owns it or others can write it).
   */
  readonly directory?: string;
  /** Rows kept decoded in memory (the cache and write buffer); default {@link DEFAULT_CACHE_ROWS}. */
  readonly cacheRows?: number;
  /** Names the owner in the working directory's name (operator uid and subtask). */
  readonly label?: string;
  /**
   * The store under the row cache: `'lmdb'` (default, `stateBackend: 'embedded'`) or `'rocksdb'`
   * (`stateBackend: 'rocksdb'`, which must be opened with {@link EmbeddedKeyedStateBackend.open}).
   */
  readonly engine?: StoreEngine;
}

/** The stores an embedded backend can keep its rows in. */
export type StoreEngine = 'lmdb' | 'rocksdb';

interface Registration {
  readonly state: RegisteredState;
  readonly handles: Map<AnyStateDescriptor, unknown>;
  readonly access: RowAccess;
}

/** Keyed state of one operator subtask in an on-disk LMDB or RocksDB store. */
export class EmbeddedKeyedStateBackend<K = unknown> implements KeyedStateBackend<K> {
  readonly #maxParallelism: number;
  readonly #range: KeyGroupRange;
  readonly #groupCount: number;
  readonly #directory: string;
  readonly #store: RowStore;
  readonly #cache: RowCache;
  readonly #ctx = new RowKeyContext();
  readonly #states = new Map<string, Registration>();
  readonly #counter = new SnapshotCounter();
  readonly #restored = new Set<number>();
  #nextStateId = 0;
  #pendingSnapshots = 0;

  /**
   * Creates the working directory and opens the store in it.
   * @throws InvalidOptionError for a bad max parallelism, key-group range or cache size, or a
   * directory that cannot be created or written.
   */
  constructor(options: EmbeddedKeyedStateBackendOptions = {}) {
    const { maxParallelism, range } = resolveKeyGroups(options);
    const cacheRows = options.cacheRows ?? DEFAULT_CACHE_ROWS;
    if (!Number.isInteger(cacheRows) || cacheRows < 1)
      throw new InvalidOptionError('cacheRows', 'a positive integer', cacheRows);
    const base = options.directory ?? defaultStateDirectory();
    if (typeof base !== 'string' || base.length === 0)
      throw new InvalidOptionError('directory', 'a non-empty directory path', base);
    this.#maxParallelism = maxParallelism;
    this.#range = range;
    this.#groupCount = range.end - range.start + 1;
    try {
      this.#directory = createWorkingDirectory(base, options.label ?? 'keyed');
    } catch (error) {
      if (error instanceof UnsafeDirectoryError) throw error;
      // A configuration problem (permissions, a file in the way): name the option and the cause.
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new InvalidOptionError(
        'directory',
        `a directory this process can create and write (${reason})`,
        base,
      );
    }
    try {
      this.#store =
        options.engine === 'rocksdb' ? new RocksStore(this.#directory) : new StateStore(this.#directory);
    } catch (error) {
      removeWorkingDirectory(this.#directory);
      throw error;
    }
    this.#cache = new RowCache(this.#store, cacheRows);
  }

  /**
   * Resolves when the store is open: at once for LMDB; RocksDB opens on libuv's thread pool. Use
   * nothing else before. Rejects if the store cannot be opened (the backend is disposed then).
   */
  async open(): Promise<void> {
    try {
      await this.#store.open();
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  get maxParallelism(): number {
    return this.#maxParallelism;
  }

  get keyGroupRange(): KeyGroupRange {
    return this.#range;
  }

  /** The backend's working directory (removed on dispose). */
  get directory(): string {
    return this.#directory;
  }

  /** Rows held in memory now (never more than the `cacheRows` option). */
  get cachedRows(): number {
    return this.#cache.size;
  }

  get currentKey(): K | undefined {
    return this.#ctx.key as K | undefined;
  }

  get currentKeyGroup(): number {
    return this.#ctx.keyGroup;
  }

  setCurrentKey(key: K): void {
    const ctx = this.#ctx;
    if (ctx.group >= 0 && key === ctx.key && typeof key !== 'object') return;
    if (ctx.disposed) ctx.fail();
    ctx.reset();
    ctx.version++;
    encodeKey(key, ctx.encoded);
    const keyGroup = ctx.encoded.hash % this.#maxParallelism;
    const group = keyGroup - this.#range.start;
    if (group < 0 || group >= this.#groupCount) throw keyNotOwned(key, keyGroup, this.#range);
    ctx.key = key;
    ctx.mapKey = ctx.encoded.mapKey;
    ctx.canonical = canonicalOfMapKey(ctx.mapKey);
    ctx.keyGroup = keyGroup;
    ctx.group = group;
  }

  getState<S>(descriptor: StateDescriptor<S>): S {
    const d = checkStateDescriptor(descriptor);
    const registration = this.#register(d.name, d.kind).registration;
    let handle = registration.handles.get(d);
    if (handle === undefined) {
      handle = embeddedHandle(d, registration.access);
      registration.handles.set(d, handle);
    }
    return handle as S;
  }

  *keys(stateName: string): IterableIterator<K> {
    for (let keyGroup = this.#range.start; keyGroup <= this.#range.end; keyGroup++)
      yield* this.keysInKeyGroup(stateName, keyGroup);
  }

  *keysInKeyGroup(stateName: string, keyGroup: number): IterableIterator<K> {
    this.#checkOpen();
    checkKeyGroupOwned(this.#range, keyGroup);
    const registration = this.#states.get(stateName);
    if (registration === undefined) return;
    this.#cache.flush();
    // Read the key group's keys first: the caller may write, and so flush, between two keys.
    const [from, to] = stateRange(keyGroup, registration.state.id);
    const keys = Array.from(this.#store.rows(from, to), ({ key, value }) => rowUserKey(key, value));
    yield* keys as K[];
  }

  applyToAllKeys<S>(descriptor: StateDescriptor<S>, fn: (key: K, state: S) => void): void {
    const handle = this.getState(descriptor);
    const { state } = this.#states.get(descriptor.name)!;
    const ctx = this.#ctx;
    const { key, mapKey, canonical, group, keyGroup } = ctx;
    try {
      for (let g = 0; g < this.#groupCount; g++) {
        const current = this.#range.start + g;
        this.#cache.flush();
        const [from, to] = stateRange(current, state.id);
        const rows = Array.from(this.#store.rows(from, to), (row) => ({
          key: rowUserKey(row.key, row.value),
          canonical: rowCanonical(row.key, row.value),
        }));
        for (const row of rows) {
          // fn may have cleared this key's state for an earlier key.
          if (this.#cache.row(state, current, row.canonical).stored === undefined) continue;
          ctx.key = row.key;
          ctx.mapKey = undefined;
          ctx.canonical = row.canonical;
          ctx.group = g;
          ctx.keyGroup = current;
          ctx.version++;
          fn(row.key as K, handle);
        }
      }
    } finally {
      if (!ctx.disposed) {
        ctx.key = key;
        ctx.mapKey = mapKey;
        ctx.canonical = canonical;
        ctx.group = group;
        ctx.keyGroup = keyGroup;
        ctx.version++;
      }
    }
  }

  snapshot(): KeyedStateSnapshot {
    this.#checkOpen();
    // No I/O here: the dirty rows are captured by reference (copy-on-write), LMDB's by a read
    // transaction; a value that cannot be encoded fails the asynchronous part, as on the heap.
    const captured = this.#cache.captureDirty();
    const snapshot = this.#store.snapshot();
    this.#pendingSnapshots++;
    const states = Array.from(this.#states.values(), ({ state }) => ({
      name: state.name,
      kind: state.kind,
      id: state.id,
      written: state.written.slice(),
    }));
    return new EmbeddedSnapshot({
      store: this.#store,
      snapshot,
      states,
      captured,
      keyGroupRange: this.#range,
      maxParallelism: this.#maxParallelism,
      sequence: this.#counter.snapshots++,
      onRelease: () => {
        this.#pendingSnapshots--;
        if (this.#ctx.disposed) this.#closeIfIdle();
      },
    });
  }

  /** Restores eagerly, key group by key group (`options.lazy` is not supported and ignored). */
  async restore(keyGroups: Iterable<KeyGroupStateHandle>, _options: RestoreOptions = {}): Promise<void> {
    this.#checkOpen();
    this.#cache.flush();
    const restored = await restoreRows(keyGroups, this.#restoreTarget(), yieldToEventLoop);
    for (const keyGroup of restored) this.#restored.add(keyGroup);
    // Rows cached before the restore (a key read as absent) are stale now.
    this.#cache.invalidate();
  }

  dispose(): void {
    if (this.#ctx.disposed) return;
    this.#ctx.disposed = true;
    this.#ctx.reset();
    this.#cache.clear();
    this.#closeIfIdle();
  }

  /** Closes the store and removes the working directory once no snapshot reads it. */
  #closeIfIdle(): void {
    if (this.#pendingSnapshots > 0) return;
    const directory = this.#directory;
    // The directory goes once the store let go of its files. A failed close loses nothing: the
    // store is working data, never read back (state is recovered from checkpoints).
    const closed = this.#store.close();
    if (closed === undefined) removeWorkingDirectory(directory);
    else
      void closed.then(
        () => removeWorkingDirectory(directory),
        () => removeWorkingDirectory(directory),
      );
  }

  #restoreTarget(): EmbeddedRestoreTarget {
    return {
      keyGroupRange: this.#range,
      maxParallelism: this.#maxParallelism,
      store: this.#store,
      kindOf: (name) => this.#states.get(name)?.state.kind,
      occupied: (keyGroup) => this.#restored.has(keyGroup) || this.#store.hasRows(...keyGroupRows(keyGroup)),
      register: (name, kind) => {
        const { registration, created } = this.#register(name, kind);
        return { state: registration.state, created };
      },
      unregister: (name) => {
        this.#states.delete(name);
      },
      stamp: (state, keyGroup) => {
        state.written[keyGroup - this.#range.start] = this.#counter.snapshots;
      },
      checkOpen: () => this.#checkOpen(),
    };
  }

  #register(name: string, kind: StateKind): { registration: Registration; created: boolean } {
    this.#checkOpen();
    const existing = this.#states.get(name);
    if (existing !== undefined) {
      if (existing.state.kind !== kind) throw kindConflict(name, existing.state.kind, kind);
      return { registration: existing, created: false };
    }
    if (this.#nextStateId > MAX_STATE_ID)
      throw new InvalidOptionError(
        'state name',
        `one of at most ${MAX_STATE_ID + 1} states per operator`,
        name,
      );
    const state: RegisteredState = {
      name,
      kind,
      id: this.#nextStateId++,
      written: new Array<number>(this.#groupCount).fill(0),
    };
    const registration = {
      state,
      handles: new Map<AnyStateDescriptor, unknown>(),
      access: new RowAccess(this.#ctx, state, this.#cache, this.#counter),
    };
    this.#states.set(name, registration);
    return { registration, created: true };
  }

  #checkOpen(): void {
    if (this.#ctx.disposed) this.#ctx.fail();
  }
}
