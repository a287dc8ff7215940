/**
 * Value state on the heap: the value itself is stored (no cell), and `update` replaces it, so it is
 * never mutated by the backend and needs no copy-on-write beyond the table's.
 */
import type { ValueState, ValueStateDescriptor } from '../value-state.ts';
import type { HeapKind } from './heap-state-kind.ts';
import { KeyedAccess, type ValueAccess } from './keyed-access.ts';

/** A {@link ValueState} backed by heap tables. */
export class HeapValueState<T, V> implements ValueState<T, V> {
  readonly #access: ValueAccess<T>;
  readonly #defaultValue: V;

  constructor(access: ValueAccess<T>, defaultValue: V) {
    this.#access = access;
    this.#defaultValue = defaultValue;
  }

  value(): V {
    const stored = this.#access.get();
    return stored === undefined ? this.#defaultValue : (stored as unknown as V);
  }

  update(value: T): void {
    if (value === undefined) this.#access.delete();
    else this.#access.set(value);
  }

  clear(): void {
    this.#access.delete();
  }
}

/** The heap strategy for value state. */
export const heapValueKind: HeapKind<unknown, ValueStateDescriptor<unknown, unknown>> = {
  create: (ctx, tables, descriptor) =>
    new HeapValueState(new KeyedAccess(ctx, tables), descriptor.defaultValue as unknown),
  toPlain: (stored) => stored,
  fromPlain: (plain) => plain,
};
