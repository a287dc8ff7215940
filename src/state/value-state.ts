/**
 * Value state: one value per key (Flink's `ValueState`). Values are owned by the state once handed
 * to `update`: the backend may keep the very object and encode it during a later asynchronous
 * snapshot, so neither that object nor one returned by `value()` may be mutated afterwards; to
 * change a value, pass a new object to `update`.
 */
import { checkStateName, type StateDescriptor } from './state-descriptor.ts';

/**
 * A single value scoped to the current key. `V` is what `value()` returns: `T | undefined`, or `T`
 * when the descriptor has a default value.
 */
export interface ValueState<T, V = T | undefined> {
  /** The current key's value, or the descriptor's default (`undefined` without one). Read-only. */
  value(): V;
  /** Sets the current key's value; the state owns `value` from now on. `undefined` clears. */
  update(value: T): void;
  /** Removes the current key's value. */
  clear(): void;
}

/** Declares a {@link ValueState}. */
export interface ValueStateDescriptor<T, V = T | undefined> extends StateDescriptor<ValueState<T, V>> {
  readonly kind: 'value';
  /** What `value()` returns for a key without a value. Shared by all keys: never mutate it. */
  readonly defaultValue?: T;
}

/** Options of {@link valueState}. */
export interface ValueStateOptions<T> {
  /** What `value()` returns for a key without a value (shared by all keys: never mutate it). */
  readonly defaultValue: T;
}

/** Declares a value state named `name`, without a default: `value()` is `undefined` when unset. */
export function valueState<T>(name: string): ValueStateDescriptor<T, T | undefined>;
/** Declares a value state named `name` whose `value()` is `options.defaultValue` when unset. */
export function valueState<T>(name: string, options: ValueStateOptions<T>): ValueStateDescriptor<T, T>;
export function valueState<T>(name: string, options?: ValueStateOptions<T>): ValueStateDescriptor<T, T> {
  checkStateName(name);
  if (options === undefined) return Object.freeze({ kind: 'value', name });
  return Object.freeze({ kind: 'value', name, defaultValue: options.defaultValue });
}
