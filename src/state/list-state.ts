/**
 * List state: a list of values per key (Flink's `ListState`). The backend appends in place, with
 * copy-on-write against pending snapshots; elements handed to it are owned by the state and must not
 * be mutated afterwards, and the array `get()` returns is a read-only view.
 */
import { checkStateName, type StateDescriptor } from './state-descriptor.ts';

/** A list of values scoped to the current key. */
export interface ListState<T> {
  /**
   * The current key's elements, in insertion order; empty when there are none. A read-only view,
   * valid until the next write to this state: copy it to keep it.
   */
  get(): readonly T[];
  /** Appends one element. */
  add(value: T): void;
  /** Appends every element of `values`, in order. */
  addAll(values: Iterable<T>): void;
  /** Replaces the list with the elements of `values` (copied; an empty iterable clears). */
  update(values: Iterable<T>): void;
  /** Removes the current key's list. */
  clear(): void;
}

/** Declares a {@link ListState}. */
export interface ListStateDescriptor<T> extends StateDescriptor<ListState<T>> {
  readonly kind: 'list';
}

/** Declares a list state named `name`. */
export function listState<T>(name: string): ListStateDescriptor<T> {
  checkStateName(name);
  return Object.freeze({ kind: 'list', name });
}
