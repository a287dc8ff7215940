/**
 * Aggregating state on the heap: the accumulator in a {@link Cell}. `add` may mutate and return the
 * accumulator, so it is handed a private copy when a pending snapshot may share the cell.
 */
import type {
  AggregateFunction,
  AggregatingState,
  AggregatingStateDescriptor,
} from '../aggregating-state.ts';
import type { HeapKind } from './heap-state-kind.ts';
import { CellAccess, type CellStore, cloneAccumulator } from './keyed-access.ts';
import { Cell } from './state-table.ts';

/** An {@link AggregatingState} backed by heap tables. */
export class HeapAggregatingState<IN, ACC, OUT> implements AggregatingState<IN, OUT> {
  readonly #cell: CellStore<ACC>;
  readonly #aggregate: AggregateFunction<IN, ACC, OUT>;

  constructor(cell: CellStore<ACC>, aggregate: AggregateFunction<IN, ACC, OUT>) {
    this.#cell = cell;
    this.#aggregate = aggregate;
  }

  add(value: IN): void {
    const cell = this.#cell.own(cloneAccumulator);
    if (cell === undefined) this.#cell.put(this.#aggregate.add(value, this.#aggregate.createAccumulator()));
    else cell.value = this.#aggregate.add(value, cell.value);
  }

  get(): OUT | undefined {
    const cell = this.#cell.peek();
    return cell === undefined ? undefined : this.#aggregate.getResult(cell.value);
  }

  clear(): void {
    this.#cell.delete();
  }
}

/** The heap strategy for aggregating state. */
export const heapAggregatingKind: HeapKind<
  Cell<unknown>,
  AggregatingStateDescriptor<unknown, unknown, unknown>
> = {
  create: (ctx, tables, descriptor) =>
    new HeapAggregatingState(new CellAccess(ctx, tables), descriptor.aggregate),
  toPlain: (stored) => stored.value,
  fromPlain: (plain, epoch) => new Cell(plain, epoch),
};
