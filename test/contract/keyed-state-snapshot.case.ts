// Contract: a snapshot holds the state as of snapshot(), whatever is written afterwards or while it
// encodes, including in-place list appends, map puts and accumulator mutations; two may be pending.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateAccessError } from '../../src/state/errors.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state-backend.ts';
import type { EncodedKeyedState, KeyedStateSnapshot } from '../../src/state/keyed-state-snapshot.ts';
import { valueState } from '../../src/state/value-state.ts';
import { type BackendFactory, dump, opener, populate, states } from './keyed-state-fixtures.ts';
import { operations, StateModel } from './keyed-state-model.ts';

const KEYS = ['a', 'b', 'c', 1, 2, [3, 'x'], { id: 4 }];

/** Writes that touch every kind of in-place mutation, for keys that already hold state. */
function mutate(backend: KeyedStateBackend, round: number): void {
  for (const key of KEYS) {
    backend.setCurrentKey(key);
    backend.getState(states.value).update({ n: 100 + round });
    backend.getState(states.counter).update(round);
    backend.getState(states.list).add(`late${round}`);
    backend.getState(states.map).put('x', -round);
    backend.getState(states.map).put(`new${round}`, round);
    backend.getState(states.map).remove([KEYS.indexOf(key), 'y']);
    backend.getState(states.reducing).add({ total: 1000 });
    backend.getState(states.aggregating).add(1000);
  }
  backend.setCurrentKey('a');
  backend.getState(states.list).clear();
  backend.setCurrentKey(`fresh${round}`);
  backend.getState(states.list).add('fresh');
}

export function snapshotCases(factory: BackendFactory): void {
  const open = opener(factory);

  async function restored(encoded: EncodedKeyedState): Promise<KeyedStateBackend> {
    const backend = await open({ maxParallelism: encoded.maxParallelism });
    await backend.restore(encoded.keyGroups);
    return backend;
  }

  describe('snapshots', () => {
    it('round-trip: restoring a snapshot gives equal state', async () => {
      const backend = await open();
      populate(backend, KEYS);
      const before = dump(backend);
      const encoded = await backend.snapshot().encode();
      expect(encoded.keyGroups.length).toBeGreaterThan(0);
      expect(encoded.sizeBytes).toBe(encoded.keyGroups.reduce((n, h) => n + h.bytes.length, 0));
      expect(encoded.keyGroups.map((h) => h.keyGroup)).toEqual(
        [...new Set(encoded.keyGroups.map((h) => h.keyGroup))].sort((a, b) => a - b),
      );
      expect(dump(await restored(encoded))).toEqual(before);
    });

    it('an empty backend snapshots to no key groups', async () => {
      const encoded = await (await open()).snapshot().encode();
      expect(encoded).toMatchObject({ keyGroups: [], sizeBytes: 0, entries: 0 });
    });

    it('is isolated from writes made after snapshot(), including in-place list, map and accumulator updates', async () => {
      const backend = await open();
      populate(backend, KEYS);
      const before = dump(backend);
      const snapshot = backend.snapshot();
      mutate(backend, 1);
      const after = dump(backend);
      expect(after).not.toEqual(before);
      expect(dump(await restored(await snapshot.encode()))).toEqual(before);
      expect(dump(backend)).toEqual(after);
    });

    it('is isolated from in-place writes that follow writes directly (no read, key iteration or flush between)', async () => {
      // A twin populated the same way gives the expected state without touching the backend.
      const twin = await open();
      populate(twin, KEYS);
      const before = dump(twin);
      const backend = await open();
      populate(backend, KEYS);
      const snapshot = backend.snapshot();
      backend.setCurrentKey(KEYS[1]);
      backend.getState(states.list).update(['replaced']);
      mutate(backend, 1);
      expect(dump(await restored(await snapshot.encode()))).toEqual(before);
    });

    it('is isolated from writes made while it encodes', async () => {
      const backend = await open();
      populate(backend, KEYS);
      const many = Array.from({ length: 300 }, (_, i) => `many${i}`);
      populate(backend, many);
      const before = dump(backend);
      let round = 0;
      const encoded = await backend.snapshot().encode({
        batchEntries: 7,
        yieldControl: async () => {
          mutate(backend, ++round);
          backend.setCurrentKey(many[round % many.length]);
          backend.getState(states.list).add('during');
        },
      });
      expect(round).toBeGreaterThan(10);
      expect(dump(await restored(encoded))).toEqual(before);
    });

    it('keeps two pending snapshots apart, whichever encodes first', async () => {
      const backend = await open();
      populate(backend, KEYS);
      const first = dump(backend);
      const one = backend.snapshot();
      mutate(backend, 1);
      const second = dump(backend);
      const two = backend.snapshot();
      mutate(backend, 2);
      const third = dump(backend);
      const [encodedTwo, encodedOne] = await Promise.all([two.encode(), one.encode()]);
      expect(dump(await restored(encodedOne))).toEqual(first);
      expect(dump(await restored(encodedTwo))).toEqual(second);
      expect(dump(backend)).toEqual(third);
    });

    it('matches a model under random operations, and every pending snapshot restores its point (property)', async () => {
      await fc.assert(
        fc.asyncProperty(operations, async (ops) => {
          const backend = await open({ maxParallelism: 8 });
          const model = new StateModel();
          const pending: { snapshot: KeyedStateSnapshot; expected: unknown }[] = [];
          for (const step of ops) {
            if (step.op === 'snapshot')
              pending.push({ snapshot: backend.snapshot(), expected: model.dump() });
            else model.apply(step, backend);
          }
          expect(dump(backend)).toEqual(model.dump());
          for (const { snapshot, expected } of pending.reverse()) {
            const encoded = await snapshot.encode({ batchEntries: 2, yieldControl: async () => {} });
            expect(dump(await restored(encoded))).toEqual(expected);
          }
        }),
        { numRuns: 60 },
      );
    });

    it('encodes once: a second encode, or an encode after release, rejects', async () => {
      const backend = await open();
      populate(backend, KEYS);
      const snapshot = backend.snapshot();
      await snapshot.encode();
      await expect(snapshot.encode()).rejects.toMatchObject({ reason: 'snapshot-released' });
      const released = backend.snapshot();
      released.release();
      released.release();
      await expect(released.encode()).rejects.toBeInstanceOf(StateAccessError);
    });

    it('stops encoding when released meanwhile, and the backend stays usable', async () => {
      const backend = await open();
      populate(
        backend,
        Array.from({ length: 100 }, (_, i) => i),
      );
      const snapshot = backend.snapshot();
      const encoding = snapshot.encode({ batchEntries: 3, yieldControl: async () => snapshot.release() });
      await expect(encoding).rejects.toMatchObject({ code: 'ERR_STATE_ACCESS', reason: 'snapshot-released' });
      mutate(backend, 1);
      const after = dump(backend);
      expect(dump(await restored(await backend.snapshot().encode()))).toEqual(after);
    });

    it('rejects values msgpack cannot encode, naming the state', async () => {
      const backend = await open();
      const odd = valueState<unknown>('odd');
      backend.setCurrentKey('k');
      backend.getState(odd).update({ callback: () => 1 });
      const error = await backend
        .snapshot()
        .encode()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateAccessError);
      expect(error).toMatchObject({ reason: 'unencodable-value', classification: 'user' });
      expect((error as Error).message).toContain('"odd"');
    });

    it('completes a pending snapshot after the backend is disposed', async () => {
      const backend = await open();
      populate(backend, KEYS);
      const before = dump(backend);
      const snapshot = backend.snapshot();
      backend.dispose();
      expect(dump(await restored(await snapshot.encode()))).toEqual(before);
    });
  });
}
