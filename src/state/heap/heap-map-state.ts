/**
 * Map state on the heap: the current key's entries in a `Map` inside a {@link Cell}, keyed by the
 * canonical map key of each user key (so array and object keys compare by value), and mutated in
 * place; the `Map` is copied first when a pending snapshot may share it. A key whose map becomes
 * empty is removed.
 */
import { fromMapKey } from '../key-decoding.ts';
import { toMapKey } from '../key-encoding.ts';
import type { MapState, MapStateDescriptor } from '../map-state.ts';
import type { HeapKind } from './heap-state-kind.ts';
import { CellAccess, type CellStore } from './keyed-access.ts';
import { Cell } from './state-table.ts';

type Entries<V> = Map<unknown, V>;

function copyMap<V>(entries: Entries<V>): Entries<V> {
  return new Map(entries);
}

/** A {@link MapState} backed by heap tables. */
export class HeapMapState<K, V> implements MapState<K, V> {
  readonly #cell: CellStore<Entries<V>>;

  constructor(cell: CellStore<Entries<V>>) {
    this.#cell = cell;
  }

  get(key: K): V | undefined {
    return this.#cell.peek()?.value.get(toMapKey(key));
  }

  put(key: K, value: V): void {
    const mapKey = toMapKey(key);
    const cell = this.#cell.own(copyMap);
    if (cell === undefined) this.#cell.put(new Map([[mapKey, value]]));
    else cell.value.set(mapKey, value);
  }

  putAll(entries: Iterable<readonly [K, V]>): void {
    for (const [key, value] of entries) this.put(key, value);
  }

  remove(key: K): void {
    const mapKey = toMapKey(key);
    const entries = this.#cell.peek()?.value;
    if (entries === undefined || !entries.has(mapKey)) return;
    if (entries.size === 1) this.#cell.delete();
    else this.#cell.own(copyMap)?.value.delete(mapKey);
  }

  contains(key: K): boolean {
    return this.#cell.peek()?.value.has(toMapKey(key)) ?? false;
  }

  *keys(): IterableIterator<K> {
    const entries = this.#cell.peek()?.value;
    if (entries !== undefined) for (const mapKey of entries.keys()) yield fromMapKey(mapKey) as K;
  }

  *values(): IterableIterator<V> {
    const entries = this.#cell.peek()?.value;
    if (entries !== undefined) yield* entries.values();
  }

  *entries(): IterableIterator<[K, V]> {
    const entries = this.#cell.peek()?.value;
    if (entries !== undefined) for (const [mapKey, value] of entries) yield [fromMapKey(mapKey) as K, value];
  }

  isEmpty(): boolean {
    return (this.#cell.peek()?.value.size ?? 0) === 0;
  }

  clear(): void {
    this.#cell.delete();
  }
}

/** The heap strategy for map state; the plain form is a flattened `[key, value, ...]` array. */
export const heapMapKind: HeapKind<Cell<Entries<unknown>>, MapStateDescriptor<unknown, unknown>> = {
  create: (ctx, tables) => new HeapMapState(new CellAccess(ctx, tables)),
  toPlain: (stored) => {
    const flat: unknown[] = [];
    for (const [mapKey, value] of stored.value) flat.push(fromMapKey(mapKey), value);
    return flat;
  },
  fromPlain: (plain, epoch) => {
    if (!Array.isArray(plain) || plain.length % 2 !== 0)
      throw new Error('a map state value is not a flattened array of pairs');
    if (plain.length === 0) return undefined;
    const entries: Entries<unknown> = new Map();
    for (let i = 0; i < plain.length; i += 2) entries.set(toMapKey(plain[i]), plain[i + 1]);
    return new Cell(entries, epoch);
  },
};
