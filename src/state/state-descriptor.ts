/**
 * What all state descriptors share. A descriptor names a keyed state and fixes its kind (and, per
 * kind, its default value or functions), as Flink's `StateDescriptor` does; a backend turns it into
 * a handle scoped to the current key. Descriptors are plain frozen data made by the per-kind
 * factories (`valueState`, `listState`, `mapState`, `reducingState`, `aggregatingState`), and carry
 * the type of the handle they yield, so that `backend.getState(descriptor)` is typed end to end.
 */
import { InvalidOptionError } from '../errors.ts';

/** The kinds of keyed state. */
export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/** Every state kind, for validation of snapshots. */
export const STATE_KINDS: readonly StateKind[] = ['value', 'list', 'map', 'reducing', 'aggregating'];

/** Type-level only: never present at run time. */
declare const handleType: unique symbol;

/**
 * Describes a keyed state. `S` is the handle type the backend returns for it (`ValueState<T>`,
 * `ListState<T>`, ...); it exists only in the type system.
 */
export interface StateDescriptor<S> {
  /** The state's kind; one name can only ever be used with one kind. */
  readonly kind: StateKind;
  /** The state's name, unique within its operator; snapshots store state under it. */
  readonly name: string;
  /** Phantom: the handle type. Never set. */
  readonly [handleType]?: S;
}

/**
 * Validates a state name.
 * @throws InvalidOptionError unless `name` is a non-empty string.
 */
export function checkStateName(name: string): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidOptionError('state name', 'a non-empty string', name);
}

/**
 * Validates that `fn` is a function, naming it after the state (`reducingState("sum").reduce`).
 * @throws InvalidOptionError otherwise.
 */
export function checkFunction(factory: string, name: string, option: string, fn: unknown): void {
  if (typeof fn !== 'function')
    throw new InvalidOptionError(`${factory}(${JSON.stringify(name)}).${option}`, 'a function', fn);
}
