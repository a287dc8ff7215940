// A deliberately simple model of keyed state (plain maps keyed by JSON), for property tests that
// run random operations against a backend and against the model and compare their dumps.
import fc from 'fast-check';
import type { KeyedStateBackend } from '../../src/state/keyed-state-backend.ts';
import { keyId, sortRows, states } from './keyed-state-fixtures.ts';

/** One random operation on the current key, or a snapshot. */
export type Operation =
  | { op: 'value'; key: unknown; n: number }
  | { op: 'add'; key: unknown; s: string }
  | { op: 'put'; key: unknown; k: string; n: number }
  | { op: 'remove'; key: unknown; k: string }
  | { op: 'reduce'; key: unknown; n: number }
  | { op: 'clear'; key: unknown }
  | { op: 'snapshot' };

const key = fc.constantFrom<unknown>('a', 'b', 7, [1, 'x'], { id: 2 });
const userKey = fc.constantFrom('p', 'q');

/** Random operations, a few keys, frequent snapshots. */
export const operations: fc.Arbitrary<Operation[]> = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('value' as const), key, n: fc.integer() }),
    fc.record({ op: fc.constant('add' as const), key, s: fc.string({ maxLength: 3 }) }),
    fc.record({ op: fc.constant('put' as const), key, k: userKey, n: fc.integer() }),
    fc.record({ op: fc.constant('remove' as const), key, k: userKey }),
    fc.record({ op: fc.constant('reduce' as const), key, n: fc.integer({ min: -9, max: 9 }) }),
    fc.record({ op: fc.constant('clear' as const), key }),
    fc.record({ op: fc.constant('snapshot' as const) }),
  ),
  { maxLength: 40 },
);

interface Entry {
  value?: { n: number };
  list: string[];
  map: Map<string, number>;
  total?: number;
}

/** The model: what the backend should hold. */
export class StateModel {
  readonly #entries = new Map<string, Entry>();

  /** Applies `step` (not a snapshot) to the model and to `backend`. */
  apply(step: Exclude<Operation, { op: 'snapshot' }>, backend: KeyedStateBackend): void {
    const id = keyId(step.key);
    let entry = this.#entries.get(id);
    if (entry === undefined) this.#entries.set(id, (entry = { list: [], map: new Map() }));
    backend.setCurrentKey(step.key);
    switch (step.op) {
      case 'value':
        entry.value = { n: step.n };
        backend.getState(states.value).update({ n: step.n });
        return;
      case 'add':
        entry.list.push(step.s);
        backend.getState(states.list).add(step.s);
        return;
      case 'put':
        entry.map.set(step.k, step.n);
        backend.getState(states.map).put(step.k, step.n);
        return;
      case 'remove':
        entry.map.delete(step.k);
        backend.getState(states.map).remove(step.k);
        return;
      case 'reduce':
        entry.total = (entry.total ?? 0) + step.n;
        backend.getState(states.reducing).add({ total: step.n });
        return;
      case 'clear':
        this.#entries.set(id, {
          list: [],
          map: new Map(),
          ...(entry.total === undefined ? {} : { total: entry.total }),
        });
        backend.getState(states.value).clear();
        backend.getState(states.list).clear();
        backend.getState(states.map).clear();
        return;
    }
  }

  /** The model's state in the format of `dump`. */
  dump(): [string, string, unknown][] {
    const rows: [string, string, unknown][] = [];
    for (const [id, entry] of this.#entries) {
      if (entry.value !== undefined) rows.push(['value', id, entry.value]);
      if (entry.list.length > 0) rows.push(['list', id, [...entry.list]]);
      if (entry.map.size > 0)
        rows.push([
          'map',
          id,
          [...entry.map].map(([k, v]) => [keyId(k), v]).sort(([a], [b]) => (a! < b! ? -1 : 1)),
        ]);
      if (entry.total !== undefined) rows.push(['reducing', id, { total: entry.total }]);
    }
    return sortRows(rows);
  }
}
