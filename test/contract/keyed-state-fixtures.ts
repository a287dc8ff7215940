// Shared fixtures of the keyed-state backend contract: descriptors of every kind, and a dump of a
// backend's whole state through the public API only, to compare backends with models and snapshots.
import { afterEach } from 'vitest';
import { aggregatingState } from '../../src/state/aggregating-state.ts';
import type { KeyGroupRange } from '../../src/state/key-groups.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state-backend.ts';
import { listState } from '../../src/state/list-state.ts';
import { mapState } from '../../src/state/map-state.ts';
import { reducingState } from '../../src/state/reducing-state.ts';
import { valueState } from '../../src/state/value-state.ts';

/** Options every backend accepts in the contract. */
export interface BackendOptions {
  readonly maxParallelism?: number;
  readonly keyGroupRange?: KeyGroupRange;
}

/** Makes a fresh, empty backend (async, for backends that open files). */
export type BackendFactory = (options?: BackendOptions) => KeyedStateBackend | Promise<KeyedStateBackend>;

/** Wraps `factory` so that every backend a test opens is disposed after it. */
export function opener(factory: BackendFactory): (options?: BackendOptions) => Promise<KeyedStateBackend> {
  const opened: KeyedStateBackend[] = [];
  afterEach(() => {
    for (const backend of opened.splice(0)) backend.dispose();
  });
  return async (options) => {
    const backend = await factory(options);
    opened.push(backend);
    return backend;
  };
}

/** An accumulator that `add` mutates in place, as Flink's AggregateFunction allows. */
export interface Avg {
  sum: number;
  count: number;
}

/** One descriptor of each kind, with functions that mutate their accumulators in place. */
export const states = {
  value: valueState<{ n: number }>('value'),
  counter: valueState<number>('counter', { defaultValue: 0 }),
  list: listState<string>('list'),
  map: mapState<unknown, number>('map'),
  // Mutates and returns its first argument whenever it is an object.
  reducing: reducingState<{ total: number }>('reducing', (acc, next) => {
    acc.total += next.total;
    return acc;
  }),
  aggregating: aggregatingState<number, Avg, number>('aggregating', {
    createAccumulator: () => ({ sum: 0, count: 0 }),
    add: (value, acc) => {
      acc.sum += value;
      acc.count++;
      return acc;
    },
    getResult: (acc) => acc.sum / acc.count,
  }),
} as const;

/** A stable, readable identity of a key for dumps (keys in the contract are JSON-able). */
export function keyId(key: unknown): string {
  return JSON.stringify(key);
}

/** Every (state, key, value) of `backend` for the contract's descriptors, sorted; changes the current key. */
export function dump(backend: KeyedStateBackend): [string, string, unknown][] {
  const rows: [string, string, unknown][] = [];
  const read: Record<keyof typeof states, () => unknown> = {
    value: () => backend.getState(states.value).value(),
    counter: () => backend.getState(states.counter).value(),
    list: () => [...backend.getState(states.list).get()],
    map: () =>
      [...backend.getState(states.map).entries()]
        .map(([k, v]) => [keyId(k), v] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    reducing: () => backend.getState(states.reducing).get(),
    aggregating: () => backend.getState(states.aggregating).get(),
  };
  for (const [field, descriptor] of Object.entries(states) as [keyof typeof states, { name: string }][]) {
    for (const key of [...backend.keys(descriptor.name)]) {
      backend.setCurrentKey(key);
      rows.push([descriptor.name, keyId(key), structuredClone(read[field]())]);
    }
  }
  return sortRows(rows);
}

/** Sorts dump rows by state name, then key. */
export function sortRows(rows: [string, string, unknown][]): [string, string, unknown][] {
  const order = ([state, key]: [string, string, unknown]) => `${state}\u0000${key}`;
  return rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** Writes some state of every kind for `keys`. */
export function populate(backend: KeyedStateBackend, keys: readonly unknown[]): void {
  keys.forEach((key, i) => {
    backend.setCurrentKey(key);
    backend.getState(states.value).update({ n: i });
    backend.getState(states.counter).update(i * 10);
    backend.getState(states.list).addAll([`a${i}`, `b${i}`]);
    backend.getState(states.map).put('x', i);
    backend.getState(states.map).put([i, 'y'], i + 1);
    backend.getState(states.reducing).add({ total: i });
    backend.getState(states.aggregating).add(i);
  });
}
