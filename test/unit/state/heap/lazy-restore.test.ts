// Lazy restore: the blobs are checked at once and each key group is decoded on first use (a key
// of it, an iteration, a snapshot) or in the background; the state is the same as after an eager
// restore, and a blob that fails to decode later fails every access instead of looking empty.
import { describe, expect, it } from 'vitest';
import { StateRestoreError } from '../../../../src/state/errors.ts';
import { HeapKeyedStateBackend } from '../../../../src/state/heap/heap-keyed-state-backend.ts';
import { keyGroupRangeForOperator } from '../../../../src/state/key-groups.ts';
import { keyGroupsInRange } from '../../../../src/state/keyed-state-backend.ts';
import type { EncodedKeyedState } from '../../../../src/state/keyed-state-snapshot.ts';
import { valueState } from '../../../../src/state/value-state.ts';
import { dump, populate, states } from '../../../contract/keyed-state-fixtures.ts';

const MAX = 32;
const KEYS = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? i : `key-${i}`));

async function encoded(): Promise<{ snapshot: EncodedKeyedState; rows: ReturnType<typeof dump> }> {
  const backend = new HeapKeyedStateBackend({ maxParallelism: MAX });
  populate(backend, KEYS);
  return { rows: dump(backend), snapshot: await backend.snapshot().encode() };
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('lazy restore of the heap backend', () => {
  it('gives each key its state on first access, at another parallelism too', async () => {
    const { snapshot } = await encoded();
    const eager = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await eager.restore(snapshot.keyGroups);
    for (const parallelism of [1, 3]) {
      for (let index = 0; index < parallelism; index++) {
        const range = keyGroupRangeForOperator(MAX, parallelism, index);
        const lazy = new HeapKeyedStateBackend({ maxParallelism: MAX, keyGroupRange: range });
        await lazy.restore(keyGroupsInRange([snapshot], range), { lazy: true });
        for (const key of KEYS) {
          try {
            lazy.setCurrentKey(key);
          } catch {
            continue; // another subtask's key
          }
          eager.setCurrentKey(key);
          expect(lazy.getState(states.value).value()).toEqual(eager.getState(states.value).value());
          expect([...lazy.getState(states.list).get()]).toEqual([...eager.getState(states.list).get()]);
          lazy.getState(states.counter).update(-1); // writes after the decode stay
          expect(lazy.getState(states.counter).value()).toBe(-1);
        }
      }
    }
  });

  it('decodes in the background, and snapshots and iterations see everything', async () => {
    const { snapshot, rows } = await encoded();
    const lazy = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await lazy.restore(snapshot.keyGroups, { lazy: true });
    await turns(MAX + 5);
    expect(dump(lazy)).toEqual(rows);
    const again = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await again.restore(snapshot.keyGroups, { lazy: true });
    const roundTrip = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await roundTrip.restore((await again.snapshot().encode()).keyGroups);
    expect(dump(roundTrip)).toEqual(rows);
  });

  it('snapshots undecoded key groups as their restored blobs, without decoding them', async () => {
    const { snapshot } = await encoded();
    const lazy = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await lazy.restore(snapshot.keyGroups, { lazy: true });
    const key = KEYS[0]!;
    lazy.setCurrentKey(key); // decodes that one key group only
    lazy.getState(states.counter).update(-7);
    // Captured before any background turn: every other key group is still undecoded.
    const captured = lazy.snapshot();
    lazy.getState(states.counter).update(-8); // after the snapshot point: not in it
    const again = await captured.encode();
    const written = new Map(again.keyGroups.map((h) => [h.keyGroup, h.bytes]));
    const touched = lazy.currentKeyGroup;
    for (const handle of snapshot.keyGroups)
      if (handle.keyGroup !== touched) expect(written.get(handle.keyGroup)).toBe(handle.bytes);
    expect(again.keyGroups.map((h) => h.keyGroup)).toEqual(
      [...again.keyGroups.map((h) => h.keyGroup)].sort((a, b) => a - b),
    );
    const roundTrip = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await roundTrip.restore(again.keyGroups);
    roundTrip.setCurrentKey(key);
    expect(roundTrip.getState(states.counter).value()).toBe(-7);
    roundTrip.getState(states.counter).update(undefined as never);
    const reference = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await reference.restore(snapshot.keyGroups);
    reference.setCurrentKey(key);
    reference.getState(states.counter).update(undefined as never);
    expect(dump(roundTrip)).toEqual(dump(reference));
  });

  it('splits undecoded whole-key-group blobs per state in an incremental snapshot', async () => {
    const { snapshot, rows } = await encoded();
    const lazy = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await lazy.restore(snapshot.keyGroups, { lazy: true });
    const incremental = await lazy.snapshot().encode({ incremental: {} });
    expect(incremental.keyGroups.length).toBeGreaterThan(snapshot.keyGroups.length);
    for (const handle of incremental.keyGroups) expect(handle.state).toBeTypeOf('string');
    const roundTrip = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await roundTrip.restore(incremental.keyGroups);
    expect(dump(roundTrip)).toEqual(rows);
  });

  it('refuses a damaged header at once, and a blob that fails to decode on every later access', async () => {
    const { snapshot } = await encoded();
    const victim = snapshot.keyGroups[2]!;
    const badMagic = victim.bytes.slice();
    badMagic[0] = 0;
    const refused = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await expect(
      refused.restore([{ keyGroup: victim.keyGroup, bytes: badMagic }], { lazy: true }),
    ).rejects.toBeInstanceOf(StateRestoreError);
    // A valid header over undecodable content (as if a bug wrote it; its checksum was "verified").
    const garbage = victim.bytes.slice();
    garbage.fill(0xc1, 8);
    const lazy = new HeapKeyedStateBackend({ maxParallelism: MAX });
    await lazy.restore(
      [
        ...snapshot.keyGroups.filter((g) => g !== victim),
        { keyGroup: victim.keyGroup, bytes: garbage, verified: true },
      ],
      { lazy: true },
    );
    await turns(MAX + 5);
    const key = KEYS.find((k) => {
      const probe = new HeapKeyedStateBackend({ maxParallelism: MAX });
      probe.setCurrentKey(k);
      return probe.currentKeyGroup === victim.keyGroup;
    });
    expect(() => lazy.setCurrentKey(key)).toThrow(StateRestoreError);
    expect(() => lazy.setCurrentKey(KEYS[0])).toThrow(StateRestoreError);
    expect(() => lazy.snapshot()).toThrow(StateRestoreError);
  });

  it('reports a kind conflict when the key group is decoded', async () => {
    const { snapshot } = await encoded();
    const lazy = new HeapKeyedStateBackend({ maxParallelism: MAX });
    lazy.getState(valueState<number>(states.list.name)); // the snapshot has list state by that name
    await lazy.restore(snapshot.keyGroups, { lazy: true });
    expect(() => lazy.setCurrentKey(KEYS[1])).toThrow(/the name is used by value state/);
  });
});
