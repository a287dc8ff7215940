// The keyed-state backend contract: every backend runs this suite (the heap backend and the on-disk
// embedded one). Entry point: keyedStateBackendContract; snapshot and restore cases live next door.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.ts';
import { InvalidKeyError, StateAccessError } from '../../src/state/errors.ts';
import { keyGroupFor, keyGroupRangeForOperator } from '../../src/state/key-groups.ts';
import { listState } from '../../src/state/list-state.ts';
import type { StateDescriptor } from '../../src/state/state-descriptor.ts';
import { valueState } from '../../src/state/value-state.ts';
import { type BackendFactory, opener, states } from './keyed-state-fixtures.ts';
import { restoreCases } from './keyed-state-restore.case.ts';
import { snapshotCases } from './keyed-state-snapshot.case.ts';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof StateAccessError) return error.reason;
    throw error;
  }
  return undefined;
}

/** Registers the whole contract suite for the backend `factory` makes. */
export function keyedStateBackendContract(name: string, factory: BackendFactory): void {
  describe(`${name}: keyed-state backend contract`, () => {
    stateCases(factory);
    keyCases(factory);
    snapshotCases(factory);
    restoreCases(factory);
  });
}

function stateCases(factory: BackendFactory): void {
  const open = opener(factory);

  describe('state kinds', () => {
    it('value state: default, update, clear, and undefined clears', async () => {
      const backend = await open();
      backend.setCurrentKey('k');
      const value = backend.getState(states.value);
      const counter = backend.getState(states.counter);
      expect(value.value()).toBeUndefined();
      expect(counter.value()).toBe(0);
      value.update({ n: 1 });
      counter.update(5);
      expect(value.value()).toEqual({ n: 1 });
      expect(counter.value()).toBe(5);
      counter.clear();
      expect(counter.value()).toBe(0);
      value.update(undefined as unknown as { n: number });
      expect(value.value()).toBeUndefined();
      expect([...backend.keys('value')]).toEqual([]);
    });

    it('list state: add, addAll, update copies its input, empty update clears', async () => {
      const backend = await open();
      backend.setCurrentKey('k');
      const list = backend.getState(states.list);
      expect(list.get()).toEqual([]);
      list.add('a');
      list.addAll(['b', 'c']);
      list.addAll([]);
      expect(list.get()).toEqual(['a', 'b', 'c']);
      const input = ['x', 'y'];
      list.update(input);
      input.push('z');
      expect(list.get()).toEqual(['x', 'y']);
      list.update(new Set(['s']));
      expect(list.get()).toEqual(['s']);
      list.update([]);
      expect(list.get()).toEqual([]);
      expect([...backend.keys('list')]).toEqual([]);
    });

    it('map state: put, get, contains, remove, iteration, and user keys compared by value', async () => {
      const backend = await open();
      backend.setCurrentKey('k');
      const map = backend.getState(states.map);
      expect(map.isEmpty()).toBe(true);
      map.put('a', 1);
      map.put([1, 'b'], 2);
      map.put([1, 'b'], 3);
      map.putAll(
        new Map<unknown, number>([
          [{ x: 1, y: 2 }, 4],
          [7n, 5],
        ]),
      );
      expect(map.get([1, 'b'])).toBe(3);
      expect(map.get({ y: 2, x: 1 })).toBe(4);
      expect(map.contains(7n)).toBe(true);
      expect(map.contains(7)).toBe(false);
      expect(map.get('missing')).toBeUndefined();
      expect([...map.keys()]).toEqual(['a', [1, 'b'], { x: 1, y: 2 }, 7n]);
      expect([...map.values()]).toEqual([1, 3, 4, 5]);
      expect([...map.entries()]).toEqual([
        ['a', 1],
        [[1, 'b'], 3],
        [{ x: 1, y: 2 }, 4],
        [7n, 5],
      ]);
      map.remove([1, 'b']);
      map.remove('missing');
      expect(map.contains([1, 'b'])).toBe(false);
      expect(map.isEmpty()).toBe(false);
      for (const key of ['a', { x: 1, y: 2 }, 7n]) map.remove(key);
      expect(map.isEmpty()).toBe(true);
      expect([...backend.keys('map')]).toEqual([]);
      map.put('again', 1);
      map.clear();
      expect(map.isEmpty()).toBe(true);
      expect(() => map.put(undefined, 1)).toThrow(InvalidKeyError);
    });

    it('reducing state folds with the reduce function, keeping the first value as is', async () => {
      const backend = await open();
      backend.setCurrentKey('k');
      const reducing = backend.getState(states.reducing);
      expect(reducing.get()).toBeUndefined();
      reducing.add({ total: 2 });
      reducing.add({ total: 3 });
      expect(reducing.get()).toEqual({ total: 5 });
      reducing.clear();
      expect(reducing.get()).toBeUndefined();
    });

    it('aggregating state folds into an accumulator and reads out the result', async () => {
      const backend = await open();
      backend.setCurrentKey('k');
      const avg = backend.getState(states.aggregating);
      expect(avg.get()).toBeUndefined();
      for (const v of [1, 2, 6]) avg.add(v);
      expect(avg.get()).toBe(3);
      avg.clear();
      expect(avg.get()).toBeUndefined();
    });

    it('scopes every state to the current key', async () => {
      const backend = await open();
      const value = backend.getState(states.value);
      const list = backend.getState(states.list);
      const map = backend.getState(states.map);
      const avg = backend.getState(states.aggregating);
      for (const key of ['a', 'b', 1, [1, 'a']]) {
        backend.setCurrentKey(key);
        value.update({ n: String(key).length });
        list.add(String(key));
        map.put('k', String(key).length);
        avg.add(String(key).length);
      }
      backend.setCurrentKey([1, 'a']);
      expect(list.get()).toEqual(['1,a']);
      backend.setCurrentKey('b');
      expect(list.get()).toEqual(['b']);
      list.clear();
      backend.setCurrentKey('a');
      expect(list.get()).toEqual(['a']);
      backend.setCurrentKey(1);
      expect(value.value()).toEqual({ n: 1 });
      expect([...backend.keys('list')].sort()).toEqual([[1, 'a'], 1, 'a'].sort());
    });

    it('returns one handle per descriptor and refuses a name reused with another kind', async () => {
      const backend = await open();
      expect(backend.getState(states.list)).toBe(backend.getState(states.list));
      expect(reasonOf(() => backend.getState(valueState('list')))).toBe('kind-conflict');
      const other = listState<string>('list');
      backend.setCurrentKey('k');
      backend.getState(states.list).add('shared');
      expect(backend.getState(other).get()).toEqual(['shared']);
      const bogus = { kind: 'queue', name: 'q' } as unknown as StateDescriptor<unknown>;
      expect(() => backend.getState(bogus)).toThrow(InvalidOptionError);
    });

    it('refuses access without a current key, and any use after dispose', async () => {
      const backend = await open();
      const value = backend.getState(states.value);
      expect(reasonOf(() => value.value())).toBe('no-current-key');
      expect(reasonOf(() => value.update({ n: 1 }))).toBe('no-current-key');
      backend.setCurrentKey('k');
      backend.dispose();
      expect(reasonOf(() => value.value())).toBe('disposed');
      expect(reasonOf(() => backend.setCurrentKey('k'))).toBe('disposed');
      expect(reasonOf(() => backend.getState(states.list))).toBe('disposed');
      expect(reasonOf(() => backend.snapshot())).toBe('disposed');
    });
  });
}

function keyCases(factory: BackendFactory): void {
  const open = opener(factory);

  describe('keys and key groups', () => {
    it('tracks the current key and its key group', async () => {
      const backend = await open();
      expect(backend.currentKey).toBeUndefined();
      expect(backend.currentKeyGroup).toBe(-1);
      backend.setCurrentKey(['user', 7]);
      expect(backend.currentKey).toEqual(['user', 7]);
      expect(backend.currentKeyGroup).toBe(keyGroupFor(['user', 7]));
      backend.setCurrentKey({ b: 1, a: 2 });
      backend.getState(states.counter).update(1);
      backend.setCurrentKey({ a: 2, b: 1 });
      expect(backend.getState(states.counter).value()).toBe(1);
    });

    it('refuses invalid keys and keys of key groups it does not own, leaving no current key', async () => {
      const range = keyGroupRangeForOperator(128, 2, 0);
      const backend = await open({ maxParallelism: 128, keyGroupRange: range });
      const candidates = Array.from({ length: 100 }, (_, i) => `k${i}`);
      const foreign = candidates.find((k) => keyGroupFor(k) > range.end)!;
      backend.setCurrentKey(candidates.find((k) => keyGroupFor(k) <= range.end)!);
      expect(reasonOf(() => backend.setCurrentKey(foreign))).toBe('key-group-not-owned');
      expect(reasonOf(() => backend.getState(states.counter).value())).toBe('no-current-key');
      expect(() => backend.setCurrentKey(undefined)).toThrow(InvalidKeyError);
      expect(() => backend.setCurrentKey(Symbol('k'))).toThrow(/symbol/);
      expect(reasonOf(() => backend.keysInKeyGroup('value', range.end + 1).next())).toBe(
        'key-group-not-owned',
      );
    });

    it('lists keys per state and per key group', async () => {
      const backend = await open();
      const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
      for (const key of keys) {
        backend.setCurrentKey(key);
        backend.getState(states.counter).update(1);
      }
      expect([...backend.keys('counter')].sort()).toEqual([...keys].sort());
      expect([...backend.keys('unknown')]).toEqual([]);
      for (let group = 0; group < 128; group++)
        for (const key of backend.keysInKeyGroup('counter', group)) expect(keyGroupFor(key)).toBe(group);
    });

    it('applies a function to every key, which may clear state, and restores the current key', async () => {
      const backend = await open();
      for (let i = 0; i < 20; i++) {
        backend.setCurrentKey(i);
        backend.getState(states.counter).update(i);
      }
      backend.setCurrentKey('current');
      const seen: unknown[] = [];
      backend.applyToAllKeys(states.counter, (key, counter) => {
        seen.push(key);
        expect(backend.currentKey).toBe(key);
        if ((key as number) % 2 === 0) counter.clear();
        else counter.update(counter.value() * 10);
      });
      expect(seen.sort((a, b) => (a as number) - (b as number))).toEqual(
        Array.from({ length: 20 }, (_, i) => i),
      );
      expect(backend.currentKey).toBe('current');
      expect([...backend.keys('counter')].length).toBe(10);
      backend.setCurrentKey(3);
      expect(backend.getState(states.counter).value()).toBe(30);
    });
  });
}
