/**
 * Reducing state: one value per key, folded with a reduce function as elements are added (Flink's
 * `ReducingState`). The reduce function may mutate and return its first argument (the accumulated
 * value): the backend hands it a private copy when a pending snapshot still holds the original.
 */
import { checkFunction, checkStateName, type StateDescriptor } from './state-descriptor.ts';

/** A folded value scoped to the current key. */
export interface ReducingState<T> {
  /** The current key's folded value, or `undefined` if nothing was added. Read-only. */
  get(): T | undefined;
  /** Folds `value` in: the first value is kept as is, later ones through the reduce function. */
  add(value: T): void;
  /** Removes the current key's value. */
  clear(): void;
}

/** Declares a {@link ReducingState}. */
export interface ReducingStateDescriptor<T> extends StateDescriptor<ReducingState<T>> {
  readonly kind: 'reducing';
  /** Combines the accumulated value with a new one (associative, as in Flink's ReduceFunction). */
  readonly reduce: (accumulated: T, next: T) => T;
}

/** Declares a reducing state named `name` that folds with `reduce`. */
export function reducingState<T>(
  name: string,
  reduce: (accumulated: T, next: T) => T,
): ReducingStateDescriptor<T> {
  checkStateName(name);
  checkFunction('reducingState', name, 'reduce', reduce);
  return Object.freeze({ kind: 'reducing', name, reduce });
}
