/**
 * The interface of keyed-state backends: where an operator subtask's keyed state lives (the heap
 * backend in `heap/`, the on-disk embedded backends in `lmdb/`, on LMDB or RocksDB; all run the
 * contract suite in `test/contract/`). One backend
 * belongs to one operator subtask on one worker thread and holds the state of the key groups that
 * subtask owns. The runtime calls `setCurrentKey` once per record before the user function runs;
 * state handles obtained from `getState` then read and write that key's state.
 *
 * Thread: the owning subtask's worker thread only; nothing here is shared between threads.
 */
import type { KeyGroupRange } from './key-groups.ts';
import type { EncodedKeyedState, KeyedStateSnapshot, KeyGroupStateHandle } from './keyed-state-snapshot.ts';
import type { StateDescriptor } from './state-descriptor.ts';

/** What keyed operators may ask about the keys in their key groups (for timers, end of input). */
export interface KeyGroupedKeys<K> {
  /** The max parallelism, i.e. the number of key groups of the whole operator. */
  readonly maxParallelism: number;
  /** The key groups this backend owns. */
  readonly keyGroupRange: KeyGroupRange;
  /**
   * The keys that have state under `stateName`, key group by key group. Writes during iteration
   * may or may not be seen; {@link KeyedStateBackend.applyToAllKeys} is safe to write in.
   */
  keys(stateName: string): IterableIterator<K>;
  /** The keys that have state under `stateName` in one owned key group. */
  keysInKeyGroup(stateName: string, keyGroup: number): IterableIterator<K>;
}

/** Options of {@link KeyedStateBackend.restore}. */
export interface RestoreOptions {
  /**
   * Check the blobs now (ownership, duplicates, format, checksums) but decode each key group only
   * when it is first needed (its first key, an iteration over keys, a snapshot) or in the
   * background, so that records flow as soon as the state is read. Problems found while decoding
   * later (a malformed value, a kind conflict) are thrown by the access that needed the key group.
   * Backends that cannot decode lazily decode everything at once.
   */
  readonly lazy?: boolean;
}

/** A keyed-state backend. */
export interface KeyedStateBackend<K = unknown> extends KeyGroupedKeys<K> {
  /** The key set by the last `setCurrentKey`, or `undefined` before the first. */
  readonly currentKey: K | undefined;
  /** The key group of the current key, or -1 before the first `setCurrentKey`. */
  readonly currentKeyGroup: number;
  /**
   * Makes `key` the key that state handles read and write; computes its key group once.
   * @throws InvalidKeyError if the value cannot be a key; StateAccessError `key-group-not-owned`
   * if its key group is not this backend's (the record was routed to the wrong subtask).
   */
  setCurrentKey(key: K): void;
  /**
   * The handle of the state `descriptor` declares, created on first use; the same descriptor gives
   * the same handle. Handles are cheap to call and follow the current key.
   * @throws StateAccessError `kind-conflict` if the name is already used with another kind.
   */
  getState<S>(descriptor: StateDescriptor<S>): S;
  /**
   * Calls `fn` for every key with state under `descriptor`, with that key made current (the
   * previous current key is restored afterwards). `fn` may read, write and clear state.
   */
  applyToAllKeys<S>(descriptor: StateDescriptor<S>, fn: (key: K, state: S) => void): void;
  /** The synchronous part of a snapshot: O(key groups), independent of the state's size. */
  snapshot(): KeyedStateSnapshot;
  /**
   * Loads encoded key groups, from one or more snapshots, possibly taken at another parallelism:
   * pass only the key groups this backend owns. Each key group may be restored once, before it
   * holds state; on rejection nothing was loaded.
   * Rejects with a StateRestoreError (`corrupt`, `unsupported-version`, `key-group-not-owned`,
   * `duplicate-key-group`, `kind-conflict`).
   */
  restore(keyGroups: Iterable<KeyGroupStateHandle>, options?: RestoreOptions): Promise<void>;
  /**
   * Present on a backend whose store opens asynchronously (RocksDB): resolves when it can be used;
   * the runtime awaits it before anything else. Rejects if the store cannot be opened.
   */
  open?(): Promise<void>;
  /** Drops all state; further use throws StateAccessError `disposed`. Pending snapshots still complete. */
  dispose(): void;
}

/** Selects, from completed snapshots, the key groups a backend with `range` must restore. */
export function keyGroupsInRange(
  snapshots: Iterable<EncodedKeyedState>,
  range: KeyGroupRange,
): KeyGroupStateHandle[] {
  const selected: KeyGroupStateHandle[] = [];
  for (const snapshot of snapshots)
    for (const handle of snapshot.keyGroups)
      if (handle.keyGroup >= range.start && handle.keyGroup <= range.end) selected.push(handle);
  return selected;
}
