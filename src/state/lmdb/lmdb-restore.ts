/**
 * Restoring an embedded backend: the same checks and decoding as the heap backend
 * (`heap/heap-restore.ts`: ownership, duplicates, checksums, kinds, every key re-hashed into its key
 * group), then each key group's entries are written as rows in one write transaction. One key group
 * is decoded in memory at a time. On any failure the rows already written are removed and the states
 * the restore registered are forgotten, so a rejected restore leaves the backend as it was.
 *
 * Thread: the owning subtask's worker thread, before it processes records.
 */
import { decodeKeyGroup, planKeyGroups, type RestoreTarget } from '../heap/heap-restore.ts';
import { Epochs } from '../heap/state-table.ts';
import type { KeyGroupRange } from '../key-groups.ts';
import type { KeyGroupStateHandle } from '../keyed-state-snapshot.ts';
import type { StateKind } from '../state-descriptor.ts';
import type { RegisteredState } from './registered-state.ts';
import { encodeRowValue } from './row-codec.ts';
import { canonicalOfMapKey, keyGroupRows, rowKey } from './row-key.ts';
import type { RowStore, RowWrite } from './row-store.ts';

/** What the restore needs from the backend it restores into. */
export interface EmbeddedRestoreTarget {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly store: RowStore;
  /** The kind of the backend's state named `name`, if it has one. */
  kindOf(name: string): StateKind | undefined;
  /** Whether `keyGroup` already holds state or was restored before. */
  occupied(keyGroup: number): boolean;
  /** The registration of `name` as `kind`, created if new (`created` tells). */
  register(name: string, kind: StateKind): { state: RegisteredState; created: boolean };
  /** Forgets a state registered by a failed restore. */
  unregister(name: string): void;
  /** Stamps the restored (state, key group) as written now. */
  stamp(state: RegisteredState, keyGroup: number): void;
  /** Throws if the backend was disposed meanwhile. */
  checkOpen(): void;
}

/**
 * Restores `handles` into `target`, pausing between key groups; returns the restored key groups.
 * @throws StateRestoreError (see `KeyedStateBackend.restore`); nothing is loaded then.
 */
export async function restoreRows(
  handles: Iterable<KeyGroupStateHandle>,
  target: EmbeddedRestoreTarget,
  pause: () => Promise<void>,
): Promise<number[]> {
  const decodeTarget: RestoreTarget = {
    keyGroupRange: target.keyGroupRange,
    maxParallelism: target.maxParallelism,
    epochs: new Epochs(),
    kindOf: (name) => target.kindOf(name),
    occupied: (keyGroup) => target.occupied(keyGroup),
  };
  const planned = planKeyGroups(handles, decodeTarget);
  const kinds = new Map<string, StateKind>();
  const written: number[] = [];
  const registered: string[] = [];
  try {
    for (const [keyGroup, blobs] of planned) {
      const tables = decodeKeyGroup(keyGroup, blobs, decodeTarget, kinds);
      target.checkOpen();
      const writes: RowWrite[] = [];
      for (const { name, kind, table } of tables) {
        const { state, created } = target.register(name, kind);
        if (created) registered.push(name);
        for (const [mapKey, stored] of table.map) {
          const canonical = canonicalOfMapKey(mapKey);
          writes.push({
            key: rowKey(keyGroup, state.id, canonical),
            value: encodeRowValue(name, kind, keyGroup, canonical, stored),
          });
        }
        target.stamp(state, keyGroup);
      }
      target.store.write(writes);
      written.push(keyGroup);
      await pause();
    }
  } catch (error) {
    for (const name of registered) target.unregister(name);
    try {
      for (const keyGroup of written) target.store.removeRange(...keyGroupRows(keyGroup));
    } catch {
      // Only a disposed backend's store refuses writes: its state is gone anyway.
    }
    throw error;
  }
  return [...planned.keys()];
}
