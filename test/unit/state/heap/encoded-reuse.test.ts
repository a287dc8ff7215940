// A heap snapshot encodes only the tables written since an earlier snapshot encoded them (copying
// the others' bytes), and holds exactly the state at its capture, however the state changes while
// it encodes in slices.
import { describe, expect, it } from 'vitest';
import type { ListState, ValueState } from '../../../../src/index.ts';
import { HeapKeyedStateBackend } from '../../../../src/state/heap/heap-keyed-state-backend.ts';
import { listState } from '../../../../src/state/list-state.ts';
import { valueState } from '../../../../src/state/value-state.ts';

/** A record whose field reads are counted: how many entries the encoder packed. */
let reads = 0;
function tracked(n: number): { n: number } {
  return Object.defineProperty({}, 'n', {
    enumerable: true,
    get: () => {
      reads++;
      return n;
    },
  }) as { n: number };
}

const VALUE = valueState<{ n: number }>('value');
const LIST = listState<number>('list');
const KEYS = 400;

function states(backend: HeapKeyedStateBackend<unknown>) {
  return {
    value: backend.getState(VALUE) as ValueState<{ n: number }, { n: number }>,
    list: backend.getState(LIST) as ListState<number>,
  };
}

/** Every key's (value, list) as plain data. */
function contents(backend: HeapKeyedStateBackend<unknown>): Map<number, [number | undefined, number[]]> {
  const { value, list } = states(backend);
  const out = new Map<number, [number | undefined, number[]]>();
  for (let k = 0; k < KEYS; k++) {
    backend.setCurrentKey(k);
    out.set(k, [value.value()?.n, [...list.get()]]);
  }
  return out;
}

async function restored(
  encoded: Awaited<ReturnType<ReturnType<HeapKeyedStateBackend['snapshot']>['encode']>>,
) {
  const copy = new HeapKeyedStateBackend<unknown>({ maxParallelism: 128 });
  await copy.restore(encoded.keyGroups);
  return contents(copy);
}

describe('heap snapshots reuse the encoding of unchanged tables', () => {
  it('encodes only what changed since the last snapshot, and restores exactly', async () => {
    const backend = new HeapKeyedStateBackend<unknown>({ maxParallelism: 128 });
    const { value, list } = states(backend);
    for (let k = 0; k < KEYS; k++) {
      backend.setCurrentKey(k);
      value.update(tracked(k));
      list.add(k);
    }
    reads = 0;
    await backend.snapshot().encode();
    expect(reads).toBe(KEYS);
    // One key changes: only its key group's value table is encoded again.
    backend.setCurrentKey(7);
    const groupOf7 = backend.currentKeyGroup;
    value.update(tracked(7_000));
    let sameGroup = 0;
    for (let k = 0; k < KEYS; k++) {
      backend.setCurrentKey(k);
      if (backend.currentKeyGroup === groupOf7) sameGroup++;
    }
    reads = 0;
    const second = await backend.snapshot().encode();
    expect(reads).toBe(sameGroup);
    expect(second.entries).toBe(2 * KEYS);
    expect(await restored(second)).toEqual(contents(backend));
  });

  it('holds the state at its capture while records change it between encoding slices', async () => {
    const backend = new HeapKeyedStateBackend<unknown>({ maxParallelism: 128 });
    const { value, list } = states(backend);
    for (let k = 0; k < KEYS; k++) {
      backend.setCurrentKey(k);
      value.update({ n: k });
      list.add(k);
    }
    await backend.snapshot().encode(); // every table's encoding kept
    // Half the keys change before the capture: some tables are encoded again, some reused.
    for (let k = 0; k < KEYS; k += 2) {
      backend.setCurrentKey(k);
      value.update({ n: k + 1 });
    }
    const atCapture = contents(backend);
    let round = 0;
    const snapshot = backend.snapshot();
    // Between slices: overwrite values, append to lists, clear some keys, in every key group.
    const encoded = await snapshot.encode({
      batchEntries: 8,
      yieldControl: async () => {
        round++;
        for (let k = round % 5; k < KEYS; k += 5) {
          backend.setCurrentKey(k);
          value.update({ n: -round });
          list.add(round);
          if (k % 7 === 0) value.clear();
        }
      },
    });
    expect(round).toBeGreaterThan(10);
    expect(await restored(encoded)).toEqual(atCapture);
    // And the next snapshot, reusing what was not written since, holds the state now.
    const now = contents(backend);
    expect(await restored(await backend.snapshot().encode())).toEqual(now);
  });
});
