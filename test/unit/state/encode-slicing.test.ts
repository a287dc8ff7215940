// A time-sliced snapshot encoding yields once per used-up slice, not after every batch.
import { describe, expect, it } from 'vitest';
import type { ValueState } from '../../../src/index.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap/heap-keyed-state-backend.ts';
import { valueState } from '../../../src/state/value-state.ts';

const COUNT = valueState<number>('count', { defaultValue: 0 });

/** A heap backend holding `keys` keys of one value state. */
function backendWith(keys: number): HeapKeyedStateBackend<unknown> {
  const backend = new HeapKeyedStateBackend<unknown>({ maxParallelism: 128 });
  const count = backend.getState(COUNT) as ValueState<number, number>;
  for (let k = 0; k < keys; k++) {
    backend.setCurrentKey(k);
    count.update(k);
  }
  return backend;
}

/** Encodes with `options`, counting yields; `tick` ms pass on the injected clock per reading. */
async function yieldsWith(sliceMs: number | undefined, tick: number): Promise<number> {
  let time = 0;
  let yields = 0;
  const encoded = await backendWith(1000)
    .snapshot()
    .encode({
      batchEntries: 10,
      yieldControl: async () => {
        yields++;
      },
      ...(sliceMs === undefined ? {} : { sliceMs }),
      now: () => (time += tick),
    });
  expect(encoded.entries).toBe(1000);
  return yields;
}

describe('time-sliced snapshot encoding', () => {
  it('yields after every batch without a slice, and once per used-up slice with one', async () => {
    const everyBatch = await yieldsWith(undefined, 1);
    expect(everyBatch).toBeGreaterThanOrEqual(50); // 1000 entries, batches of 10 (short at key groups' ends)
    // Each clock reading advances 1 ms and a slice is 5 ms: a yield every few batches.
    const sliced = await yieldsWith(5, 1);
    expect(sliced).toBeGreaterThan(0);
    expect(sliced).toBeLessThan(everyBatch / 2);
    // A clock that never reaches the slice: no yield at all.
    expect(await yieldsWith(5, 0)).toBe(0);
  });

  it('rejects a slice that is not a non-negative number, naming sliceMs', async () => {
    const snapshot = backendWith(1).snapshot();
    await expect(snapshot.encode({ sliceMs: -1 })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'sliceMs',
    });
  });
});
