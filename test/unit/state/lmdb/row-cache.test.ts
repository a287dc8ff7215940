// The row cache stays within its capacity, keeps rows used since the last eviction (second chance),
// writes dirty rows before dropping them, and reads them back from the store afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { canonicalKey } from '../../../../src/state/key-encoding.ts';
import type { RegisteredState } from '../../../../src/state/lmdb/registered-state.ts';
import { RowCache } from '../../../../src/state/lmdb/row-cache.ts';
import { StateStore } from '../../../../src/state/lmdb/state-store.ts';

let dir: string;
let store: StateStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-row-cache-'));
  store = new StateStore(dir);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const state: RegisteredState = { name: 'v', kind: 'value', id: 0, written: [0] };
const rowOf = (cache: RowCache, key: string) => cache.row(state, 0, canonicalKey(key));

it('gives rows used since the last eviction a second chance, and writes dirty rows before dropping them', () => {
  const cache = new RowCache(store, 4);
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((key) => rowOf(cache, key)) as [
    ReturnType<typeof rowOf>,
    ReturnType<typeof rowOf>,
    ReturnType<typeof rowOf>,
    ReturnType<typeof rowOf>,
  ];
  b.stored = 'B';
  b.dirty = true;
  expect(rowOf(cache, 'a')).toBe(a);
  rowOf(cache, 'e');
  expect(cache.size).toBe(4);
  expect([a.live, b.live, c.live, d.live]).toEqual([true, false, true, true]);
  // b was written before it was dropped: a fresh row reads it back.
  expect(rowOf(cache, 'b').stored).toBe('B');
  expect(cache.size).toBeLessThanOrEqual(4);
});

it('drops the oldest rows when every row was used since the last eviction', () => {
  const cache = new RowCache(store, 4);
  const rows = ['a', 'b', 'c', 'd'].map((key) => rowOf(cache, key));
  for (const key of ['a', 'b', 'c', 'd']) rowOf(cache, key);
  rowOf(cache, 'e');
  expect(rows.map((row) => row.live)).toEqual([false, true, true, true]);
  expect(cache.size).toBe(4);
});
