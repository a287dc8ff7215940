/**
 * The bridge from a state handle to its storage: the current key's entry in one state's tables.
 * {@link KeyedAccess} reads and replaces whole stored values (value state); {@link CellAccess} adds
 * in-place mutation of {@link Cell}s with copy-on-write (list, map, reducing and aggregating state).
 * The hot path (one access per record) allocates nothing unless a pending snapshot forces a copy.
 *
 * Thread: the owning subtask's worker thread.
 */
import type { KeyContext } from './key-context.ts';
import { Cell, type StateTable, type StateTables } from './state-table.ts';

/**
 * What a value-state handle needs: the current key's stored value. Implemented by
 * {@link KeyedAccess} here and by the embedded backend's row access, so both backends share the
 * handle classes.
 */
export interface ValueAccess<S> {
  /** The current key's stored value, or `undefined`. */
  get(): S | undefined;
  /** Stores `stored` for the current key. */
  set(stored: S): void;
  /** Removes the current key's entry. */
  delete(): void;
}

/**
 * What the handles of kinds mutated in place (list, map, reducing, aggregating) need: the current
 * key's {@link Cell}. Implemented by {@link CellAccess} (copy-on-write against pending snapshots) and
 * by the embedded backend's row access.
 */
export interface CellStore<V> {
  /** The current key's cell, for reading only; `undefined` if the key has none. */
  peek(): Cell<V> | undefined;
  /** The current key's cell, safe to mutate in place (`copy` makes a private copy if needed). */
  own(copy: (value: V) => V): Cell<V> | undefined;
  /** Replaces the current key's value with `value`. */
  put(value: V): void;
  /** Removes the current key's cell. */
  delete(): void;
}

/** The current key's entry in one state. */
export class KeyedAccess<S> implements ValueAccess<S> {
  readonly #ctx: KeyContext;
  readonly #tables: StateTables<S>;

  constructor(ctx: KeyContext, tables: StateTables<S>) {
    this.#ctx = ctx;
    this.#tables = tables;
  }

  /** The current key's stored value, or `undefined`. */
  get(): S | undefined {
    const group = this.#ctx.group;
    if (group < 0) this.#ctx.fail();
    return this.#tables.byGroup[group]?.map.get(this.#ctx.mapKey);
  }

  /** Stores `stored` for the current key (replacing, never mutating, what was there). */
  set(stored: S): void {
    this.writable().map.set(this.#ctx.mapKey, stored);
  }

  /** Removes the current key's entry. */
  delete(): void {
    const group = this.#ctx.group;
    if (group < 0) this.#ctx.fail();
    this.#tables.delete(group, this.#ctx.mapKey);
  }

  /** The current key group's table, ready for writing (copied first if a snapshot holds it). */
  writable(): StateTable<S> {
    const group = this.#ctx.group;
    if (group < 0) this.#ctx.fail();
    return this.#tables.writable(group);
  }

  /** The current key as state maps store it. */
  get mapKey(): unknown {
    return this.#ctx.mapKey;
  }
}

/** The current key's {@link Cell} in one state, with copy-on-write for in-place mutation. */
export class CellAccess<V> implements CellStore<V> {
  readonly #access: KeyedAccess<Cell<V>>;

  constructor(ctx: KeyContext, tables: StateTables<Cell<V>>) {
    this.#access = new KeyedAccess(ctx, tables);
  }

  /** The current key's cell, for reading only; `undefined` if the key has none. */
  peek(): Cell<V> | undefined {
    return this.#access.get();
  }

  /**
   * The current key's cell, safe to mutate in place: if a pending snapshot may share it, it is
   * first replaced by a cell holding `copy(value)`. `undefined` if the key has none.
   */
  own(copy: (value: V) => V): Cell<V> | undefined {
    const table = this.#access.writable();
    const mapKey = this.#access.mapKey;
    const cell = table.map.get(mapKey);
    if (cell === undefined || cell.epoch === table.epoch) return cell;
    const owned = new Cell(copy(cell.value), table.epoch);
    table.map.set(mapKey, owned);
    return owned;
  }

  /** Replaces the current key's value with `value` (in place when the cell is owned). */
  put(value: V): void {
    const table = this.#access.writable();
    const mapKey = this.#access.mapKey;
    const cell = table.map.get(mapKey);
    if (cell !== undefined && cell.epoch === table.epoch) cell.value = value;
    else table.map.set(mapKey, new Cell(value, table.epoch));
  }

  /** Removes the current key's cell. */
  delete(): void {
    this.#access.delete();
  }
}

/** A copy of an accumulator that its reduce or aggregate function may mutate. */
export function cloneAccumulator<V>(value: V): V {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}
