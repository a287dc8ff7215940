/**
 * Map state: a map of user keys to values per key (Flink's `MapState`). User keys are compared by
 * value through the canonical key encoding, like the keys of the stream: strings, numbers, booleans,
 * bigints, null, and arrays or plain objects of those (`[1, 'a']` put twice is one entry). Values
 * handed to `put` are owned by the state and must not be mutated afterwards, nor may those `get`
 * returns.
 */
import { checkStateName, type StateDescriptor } from './state-descriptor.ts';

/** A map scoped to the current key. A key whose map becomes empty has no map state. */
export interface MapState<K, V> {
  /** The value under `key`, or `undefined`. */
  get(key: K): V | undefined;
  /** Sets the value under `key`. */
  put(key: K, value: V): void;
  /** Sets every entry of `entries` (a `Map` or any iterable of pairs). */
  putAll(entries: Iterable<readonly [K, V]>): void;
  /** Removes the entry under `key`, if any. */
  remove(key: K): void;
  /** Whether there is an entry under `key`. */
  contains(key: K): boolean;
  /** The user keys. Writes to this state while iterating may or may not be seen. */
  keys(): IterableIterator<K>;
  /** The values. Writes to this state while iterating may or may not be seen. */
  values(): IterableIterator<V>;
  /** The entries, as fresh `[key, value]` pairs. Writes while iterating may or may not be seen. */
  entries(): IterableIterator<[K, V]>;
  /** Whether the current key's map has no entry. */
  isEmpty(): boolean;
  /** Removes the current key's whole map. */
  clear(): void;
}

/** Declares a {@link MapState}. */
export interface MapStateDescriptor<K, V> extends StateDescriptor<MapState<K, V>> {
  readonly kind: 'map';
}

/** Declares a map state named `name`. */
export function mapState<K, V>(name: string): MapStateDescriptor<K, V> {
  checkStateName(name);
  return Object.freeze({ kind: 'map', name });
}
