// Contract: restore loads exactly the key groups handed to it, at any parallelism, and refuses
// corrupt, foreign, duplicate or conflicting input with a typed error, loading nothing then.
import { describe, expect, it } from 'vitest';
import { StateRestoreError } from '../../src/state/errors.ts';
import { keyGroupRangeForOperator, subtaskForKey } from '../../src/state/key-groups.ts';
import { type KeyedStateBackend, keyGroupsInRange } from '../../src/state/keyed-state-backend.ts';
import type { EncodedKeyedState, KeyGroupStateHandle } from '../../src/state/keyed-state-snapshot.ts';
import { valueState } from '../../src/state/value-state.ts';
import { type BackendFactory, dump, keyId, opener, populate, states } from './keyed-state-fixtures.ts';

const MAX = 128;
const KEYS = Array.from({ length: 400 }, (_, i) =>
  i % 3 === 0 ? i : i % 3 === 1 ? `user-${i}` : [i, 'pair'],
);

async function restoreError(
  backend: KeyedStateBackend,
  handles: KeyGroupStateHandle[],
): Promise<StateRestoreError> {
  const error = await backend.restore(handles).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof StateRestoreError))
    throw new Error(`expected a StateRestoreError, got ${String(error)}`);
  return error;
}

export function restoreCases(factory: BackendFactory): void {
  const open = opener(factory);

  /** Backends for `parallelism` subtasks, each restored from the key groups of its range. */
  async function rescale(snapshots: EncodedKeyedState[], parallelism: number): Promise<KeyedStateBackend[]> {
    const backends: KeyedStateBackend[] = [];
    for (let index = 0; index < parallelism; index++) {
      const keyGroupRange = keyGroupRangeForOperator(MAX, parallelism, index);
      const backend = await open({ maxParallelism: MAX, keyGroupRange });
      await backend.restore(keyGroupsInRange(snapshots, keyGroupRange));
      backends.push(backend);
    }
    return backends;
  }

  async function snapshotOf(
    keys: readonly unknown[],
  ): Promise<{ encoded: EncodedKeyedState; rows: unknown[] }> {
    const backend = await open({ maxParallelism: MAX });
    populate(backend, keys);
    return { rows: dump(backend), encoded: await backend.snapshot().encode() };
  }

  describe('restore', () => {
    it('at a higher parallelism, puts every key in the backend that owns it', async () => {
      const { encoded, rows } = await snapshotOf(KEYS);
      for (const parallelism of [2, 3]) {
        const backends = await rescale([encoded], parallelism);
        const held = backends.map((backend) => new Set([...backend.keys('list')].map(keyId)));
        for (const key of KEYS) {
          const owner = subtaskForKey(key, MAX, parallelism);
          held.forEach((keys, index) => {
            expect(keys.has(keyId(key)), `${keyId(key)} in subtask ${index}`).toBe(index === owner);
          });
        }
        expect(backends.flatMap((b) => dump(b)).sort()).toEqual([...rows].sort());
      }
    });

    it('at a lower parallelism, merges the key groups of several snapshots', async () => {
      const { rows } = await snapshotOf(KEYS);
      const parts: EncodedKeyedState[] = [];
      for (let index = 0; index < 3; index++) {
        const keyGroupRange = keyGroupRangeForOperator(MAX, 3, index);
        const backend = await open({ maxParallelism: MAX, keyGroupRange });
        populate(
          backend,
          KEYS.filter((key) => subtaskForKey(key, MAX, 3) === index),
        );
        parts.push(await backend.snapshot().encode());
      }
      const merged = await rescale(parts, 2);
      // populate numbers state by position in its own key list: compare keys and list lengths only.
      const shape = (r: unknown[]) => (r as [string, string, unknown][]).map(([s, k]) => `${s} ${k}`).sort();
      expect(shape(merged.flatMap((b) => dump(b)))).toEqual(shape(rows));
    });

    it('makes restored state visible through handles obtained before the restore', async () => {
      const { encoded, rows } = await snapshotOf(KEYS.slice(0, 20));
      const backend = await open({ maxParallelism: MAX });
      const list = backend.getState(states.list);
      await backend.restore(encoded.keyGroups);
      backend.setCurrentKey(KEYS[1]);
      expect(list.get()).toEqual(['a1', 'b1']);
      expect(dump(backend)).toEqual(rows);
    });

    it('refuses corrupted bytes with a typed error and loads nothing', async () => {
      const { encoded } = await snapshotOf(KEYS.slice(0, 50));
      const good = encoded.keyGroups[0]!;
      const victim = encoded.keyGroups[1]!;
      const variants: Uint8Array[] = [];
      for (const at of [victim.bytes.length >> 1, victim.bytes.length - 1, 9]) {
        const flipped = victim.bytes.slice();
        flipped[at]! ^= 0x10;
        variants.push(flipped);
      }
      variants.push(
        victim.bytes.slice(0, victim.bytes.length - 3),
        victim.bytes.slice(0, 5),
        new Uint8Array(0),
      );
      const badMagic = victim.bytes.slice();
      badMagic[0] = 0;
      variants.push(badMagic);
      for (const bytes of variants) {
        const backend = await open({ maxParallelism: MAX });
        const error = await restoreError(backend, [good, { keyGroup: victim.keyGroup, bytes }]);
        expect(error).toMatchObject({
          code: 'ERR_STATE_RESTORE',
          reason: 'corrupt',
          keyGroup: victim.keyGroup,
        });
        expect(dump(backend)).toEqual([]);
      }
    });

    it('refuses an unknown format version, a key group filed under another number, and another max parallelism', async () => {
      const { encoded } = await snapshotOf(KEYS.slice(0, 50));
      const [first, second] = encoded.keyGroups as [KeyGroupStateHandle, KeyGroupStateHandle];
      const future = first.bytes.slice();
      future[2] = 99;
      const backend = await open({ maxParallelism: MAX });
      expect((await restoreError(backend, [{ keyGroup: first.keyGroup, bytes: future }])).reason).toBe(
        'unsupported-version',
      );
      expect((await restoreError(backend, [{ keyGroup: second.keyGroup, bytes: first.bytes }])).reason).toBe(
        'corrupt',
      );
      const small = await open({ maxParallelism: 64 });
      const low = encoded.keyGroups.find((h) => h.keyGroup < 64)!;
      expect((await restoreError(small, [low])).reason).toBe('max-parallelism-mismatch');
    });

    it('refuses key groups outside its range, duplicates, and state-kind conflicts', async () => {
      const { encoded } = await snapshotOf(KEYS.slice(0, 50));
      const keyGroupRange = keyGroupRangeForOperator(MAX, 2, 0);
      const half = await open({ maxParallelism: MAX, keyGroupRange });
      const error = await restoreError(half, [...encoded.keyGroups]);
      expect(error.reason).toBe('key-group-not-owned');
      expect(error.classification).toBe('internal');
      expect(dump(half)).toEqual([]);

      const twice = await open({ maxParallelism: MAX });
      const handle = encoded.keyGroups[0]!;
      expect((await restoreError(twice, [handle, handle])).reason).toBe('duplicate-key-group');
      await twice.restore([handle]);
      expect((await restoreError(twice, [handle])).reason).toBe('duplicate-key-group');

      const conflicting = await open({ maxParallelism: MAX });
      conflicting.getState(valueState('list'));
      expect((await restoreError(conflicting, [handle])).reason).toBe('kind-conflict');
      expect(() => conflicting.getState(states.list)).toThrow(
        expect.objectContaining({ reason: 'kind-conflict' }),
      );
    });
  });
}
