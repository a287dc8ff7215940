// Heap specifics beyond the contract: no copies without a pending snapshot, and option validation.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../../src/errors.ts';
import { HeapKeyedStateBackend } from '../../../../src/state/heap/heap-keyed-state-backend.ts';
import { listState } from '../../../../src/state/list-state.ts';
import { reducingState } from '../../../../src/state/reducing-state.ts';

describe('HeapKeyedStateBackend', () => {
  it('validates its options, naming them', () => {
    expect(() => new HeapKeyedStateBackend({ maxParallelism: 0 })).toThrow(/maxParallelism/);
    expect(() => new HeapKeyedStateBackend({ keyGroupRange: { start: 3, end: 2 } })).toThrow(
      /keyGroupRange\.end/,
    );
    expect(
      () => new HeapKeyedStateBackend({ maxParallelism: 8, keyGroupRange: { start: 0, end: 8 } }),
    ).toThrow(InvalidOptionError);
    expect(new HeapKeyedStateBackend({ maxParallelism: 8 }).keyGroupRange).toEqual({ start: 0, end: 7 });
  });

  it('hands the reduce function the stored accumulator itself when no snapshot is pending', async () => {
    const seen: object[] = [];
    const backend = new HeapKeyedStateBackend();
    const state = backend.getState(
      reducingState<{ n: number }>('r', (acc, next) => {
        seen.push(acc);
        acc.n += next.n;
        return acc;
      }),
    );
    backend.setCurrentKey('k');
    state.add({ n: 1 });
    state.add({ n: 1 });
    state.add({ n: 1 });
    expect(seen[0]).toBe(seen[1]);
    const snapshot = backend.snapshot();
    state.add({ n: 1 });
    // Shared with the pending snapshot: a private copy, once.
    expect(seen[2]).not.toBe(seen[1]);
    state.add({ n: 1 });
    expect(seen[3]).toBe(seen[2]);
    await snapshot.encode();
    expect(state.get()).toEqual({ n: 5 });
  });

  it('appends to the same array once the snapshot that shared it is done', async () => {
    const backend = new HeapKeyedStateBackend();
    const list = backend.getState(listState<number>('l'));
    backend.setCurrentKey('k');
    list.add(1);
    const view = list.get();
    const snapshot = backend.snapshot();
    list.add(2);
    expect(view).toEqual([1]);
    const copied = list.get();
    await snapshot.encode();
    list.add(3);
    expect(copied).toEqual([1, 2, 3]);
  });
});
