/**
 * List state on the heap: the current key's elements in an array inside a {@link Cell}, appended
 * in place; the array is copied first when a pending snapshot may share it.
 */
import type { ListState, ListStateDescriptor } from '../list-state.ts';
import type { HeapKind } from './heap-state-kind.ts';
import { CellAccess, type CellStore } from './keyed-access.ts';
import { Cell } from './state-table.ts';

const EMPTY: readonly never[] = Object.freeze([]);

function copyArray<T>(items: T[]): T[] {
  return items.slice();
}

/** A {@link ListState} backed by heap tables. */
export class HeapListState<T> implements ListState<T> {
  readonly #cell: CellStore<T[]>;

  constructor(cell: CellStore<T[]>) {
    this.#cell = cell;
  }

  get(): readonly T[] {
    return this.#cell.peek()?.value ?? EMPTY;
  }

  add(value: T): void {
    const cell = this.#cell.own(copyArray);
    if (cell === undefined) this.#cell.put([value]);
    else cell.value.push(value);
  }

  addAll(values: Iterable<T>): void {
    const added = Array.from(values);
    if (added.length === 0) return;
    const cell = this.#cell.own(copyArray);
    if (cell === undefined) this.#cell.put(added);
    else for (const value of added) cell.value.push(value);
  }

  update(values: Iterable<T>): void {
    const items = Array.from(values);
    if (items.length === 0) this.#cell.delete();
    else this.#cell.put(items);
  }

  clear(): void {
    this.#cell.delete();
  }
}

/** The heap strategy for list state. */
export const heapListKind: HeapKind<Cell<unknown[]>, ListStateDescriptor<unknown>> = {
  create: (ctx, tables) => new HeapListState(new CellAccess(ctx, tables)),
  toPlain: (stored) => stored.value,
  fromPlain: (plain, epoch) => {
    if (!Array.isArray(plain)) throw new Error('a list state value is not an array');
    return plain.length === 0 ? undefined : new Cell<unknown[]>(plain, epoch);
  },
};
