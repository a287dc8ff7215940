/**
 * Restoring a heap backend: decodes encoded key groups into fresh tables, checking everything
 * before the backend installs anything, so that a failed restore leaves the backend as it was.
 * Every key is re-hashed and must belong to the key group it was stored under: this catches blobs
 * filed under the wrong key group and any change of the key hash.
 *
 * Thread: the owning subtask's worker thread, before it processes records.
 */
import { describeValue } from '../../errors.ts';
import { StateRestoreError } from '../errors.ts';
import { EncodedKey, encodeKey } from '../key-encoding.ts';
import { readKeyGroup } from '../key-group-codec.ts';
import type { KeyGroupRange } from '../key-groups.ts';
import type { KeyGroupStateHandle } from '../keyed-state-snapshot.ts';
import type { StateKind } from '../state-descriptor.ts';
import { heapKind } from './heap-kind-registry.ts';
import { type Epochs, StateTable } from './state-table.ts';

/** What the restore needs to know about the backend it restores into. */
export interface RestoreTarget {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly epochs: Epochs;
  /** The kind of the backend's state named `name`, if it has one. */
  kindOf(name: string): StateKind | undefined;
  /** Whether `keyGroup` already holds state or was restored before. */
  occupied(keyGroup: number): boolean;
}

/** A decoded table, ready to install as local group `group` of state `name`. */
export interface RestoredTable {
  readonly name: string;
  readonly kind: StateKind;
  readonly group: number;
  readonly table: StateTable<unknown>;
}

/**
 * Checks that `handles` may be restored into `target` (owned key groups, none twice, none already
 * holding state) and groups them by key group, without decoding anything.
 * @throws StateRestoreError `key-group-not-owned` or `duplicate-key-group`.
 */
export function planKeyGroups(
  handles: Iterable<KeyGroupStateHandle>,
  target: RestoreTarget,
): Map<number, KeyGroupStateHandle[]> {
  const { start, end } = target.keyGroupRange;
  /** Key groups restored whole, and (key group, state) pairs restored from per-state blobs. */
  const whole = new Set<number>();
  const partial = new Map<number, Set<string>>();
  const planned = new Map<number, KeyGroupStateHandle[]>();
  for (const handle of handles) {
    const keyGroup: unknown = handle?.keyGroup;
    if (typeof keyGroup !== 'number' || !Number.isInteger(keyGroup) || keyGroup < start || keyGroup > end)
      throw new StateRestoreError(
        'key-group-not-owned',
        typeof keyGroup === 'number' ? keyGroup : -1,
        `key group ${describeValue(keyGroup)} is outside this backend's range [${start}, ${end}]: ` +
          'pass only the key groups it owns (see keyGroupsInRange)',
      );
    const only = handle.state;
    const statesSeen = partial.get(keyGroup);
    if (
      whole.has(keyGroup) ||
      target.occupied(keyGroup) ||
      (only === undefined ? statesSeen !== undefined : statesSeen?.has(only) === true)
    )
      throw new StateRestoreError(
        'duplicate-key-group',
        keyGroup,
        only === undefined
          ? 'the key group was restored twice or already holds state'
          : `state ${JSON.stringify(only)} of the key group was restored twice, or the key group already holds state`,
      );
    if (only === undefined) whole.add(keyGroup);
    else if (statesSeen === undefined) partial.set(keyGroup, new Set([only]));
    else statesSeen.add(only);
    const blobs = planned.get(keyGroup);
    if (blobs === undefined) planned.set(keyGroup, [handle]);
    else blobs.push(handle);
  }
  return planned;
}

/**
 * Decodes the blobs of one key group into tables. `kinds` collects the kinds seen so far, so that
 * one restore cannot give a name two kinds.
 * @throws StateRestoreError for any problem; nothing has been installed then.
 */
export function decodeKeyGroup(
  keyGroup: number,
  blobs: readonly KeyGroupStateHandle[],
  target: RestoreTarget,
  kinds: Map<string, StateKind>,
): RestoredTable[] {
  const restored: RestoredTable[] = [];
  for (const handle of blobs) {
    const only = handle.state;
    for (const { name, kind, entries } of readKeyGroup(handle.bytes, keyGroup, target.maxParallelism, {
      verified: handle.verified === true,
    })) {
      if (only !== undefined && name !== only)
        throw new StateRestoreError(
          'corrupt',
          keyGroup,
          `a blob filed under state ${JSON.stringify(only)} holds state ${JSON.stringify(name)}`,
        );
      const known = kinds.get(name) ?? target.kindOf(name);
      if (known !== undefined && known !== kind)
        throw new StateRestoreError(
          'kind-conflict',
          keyGroup,
          `the snapshot holds ${kind} state ${JSON.stringify(name)}, but the name is used by ${known} state`,
        );
      kinds.set(name, kind);
      const table = decodeTable(name, kind, entries, keyGroup, target);
      if (table.map.size > 0)
        restored.push({ name, kind, group: keyGroup - target.keyGroupRange.start, table });
    }
  }
  return restored;
}

/**
 * Decodes `handles` for `target`, pausing between key groups.
 * @throws StateRestoreError for any problem; nothing has been installed then.
 */
export async function decodeKeyGroups(
  handles: Iterable<KeyGroupStateHandle>,
  target: RestoreTarget,
  pause: () => Promise<void>,
): Promise<RestoredTable[]> {
  const kinds = new Map<string, StateKind>();
  const restored: RestoredTable[] = [];
  for (const [keyGroup, blobs] of planKeyGroups(handles, target)) {
    for (const table of decodeKeyGroup(keyGroup, blobs, target, kinds)) restored.push(table);
    await pause();
  }
  return restored;
}

function decodeTable(
  name: string,
  kind: StateKind,
  entries: readonly unknown[],
  keyGroup: number,
  target: RestoreTarget,
): StateTable<unknown> {
  const corrupt = (detail: string, cause?: unknown): StateRestoreError =>
    new StateRestoreError('corrupt', keyGroup, `state ${JSON.stringify(name)}: ${detail}`, { cause });
  const table = new StateTable<unknown>(target.epochs.next());
  table.written = target.epochs.snapshots;
  const fromPlain = heapKind(kind).fromPlain;
  const encoded = new EncodedKey();
  for (let i = 0; i < entries.length; i += 2) {
    const key = entries[i];
    try {
      encodeKey(key, encoded);
    } catch (error) {
      throw corrupt(`a stored key cannot be a key: ${describeValue(key)}`, error);
    }
    const actual = encoded.hash % target.maxParallelism;
    if (actual !== keyGroup) throw corrupt(`key ${describeValue(key)} belongs to key group ${actual}`);
    let stored: unknown;
    try {
      stored = fromPlain(entries[i + 1], table.epoch);
    } catch (error) {
      throw corrupt(`the value of key ${describeValue(key)} is malformed`, error);
    }
    if (stored !== undefined) table.map.set(encoded.mapKey, stored);
  }
  return table;
}
