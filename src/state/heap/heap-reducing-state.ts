/**
 * Reducing state on the heap: the folded value in a {@link Cell}. The reduce function may mutate
 * and return the accumulated value, so it is handed a private copy when a pending snapshot may share
 * the cell.
 */
import type { ReducingState, ReducingStateDescriptor } from '../reducing-state.ts';
import type { HeapKind } from './heap-state-kind.ts';
import { CellAccess, type CellStore, cloneAccumulator } from './keyed-access.ts';
import { Cell } from './state-table.ts';

/** A {@link ReducingState} backed by heap tables. */
export class HeapReducingState<T> implements ReducingState<T> {
  readonly #cell: CellStore<T>;
  readonly #reduce: (accumulated: T, next: T) => T;

  constructor(cell: CellStore<T>, reduce: (accumulated: T, next: T) => T) {
    this.#cell = cell;
    this.#reduce = reduce;
  }

  get(): T | undefined {
    return this.#cell.peek()?.value;
  }

  add(value: T): void {
    const cell = this.#cell.own(cloneAccumulator);
    if (cell === undefined) this.#cell.put(value);
    else cell.value = this.#reduce(cell.value, value);
  }

  clear(): void {
    this.#cell.delete();
  }
}

/** The heap strategy for reducing state. */
export const heapReducingKind: HeapKind<Cell<unknown>, ReducingStateDescriptor<unknown>> = {
  create: (ctx, tables, descriptor) => new HeapReducingState(new CellAccess(ctx, tables), descriptor.reduce),
  toPlain: (stored) => stored.value,
  fromPlain: (plain, epoch) => new Cell(plain, epoch),
};
