/**
 * The bridge from the shared state handles (`heap/heap-*-state.ts`) to the embedded backend's rows:
 * {@link RowAccess} implements both access interfaces those handles use (`ValueAccess`,
 * `CellStore`) over the current key's cached row. A snapshot reads the store through an LMDB read
 * transaction plus the dirty rows it captured by reference; so a handle mutates a cached value in
 * place unless a pending snapshot shares it, and then replaces it with a copy first (copy-on-write
 * per row, only for rows dirty at a snapshot point). Each write marks the row dirty and stamps its (state, key group) as written for
 * incremental snapshots. The handle keeps the row of the last key it saw, so repeated accesses for
 * one record cost no lookup.
 *
 * Thread: the owning subtask's worker thread.
 */
import { KeyContext } from '../heap/key-context.ts';
import type { CellStore, ValueAccess } from '../heap/keyed-access.ts';
import { Cell } from '../heap/state-table.ts';
import type { RegisteredState, SnapshotCounter } from './registered-state.ts';
import type { Row, RowCache } from './row-cache.ts';

/** The current key of an embedded backend: {@link KeyContext} plus the key's canonical encoding. */
export class RowKeyContext extends KeyContext {
  /** The current key's canonical encoding (the key part of its rows). */
  canonical = '';
  /** Increases whenever the current key changes, so handles know their last row is stale. */
  version = 0;
}

/** The current key's row of one state. */
export class RowAccess implements ValueAccess<unknown>, CellStore<unknown> {
  readonly #ctx: RowKeyContext;
  readonly #state: RegisteredState;
  readonly #cache: RowCache;
  readonly #counter: SnapshotCounter;
  #last: Row | undefined;
  #lastVersion = -1;

  constructor(ctx: RowKeyContext, state: RegisteredState, cache: RowCache, counter: SnapshotCounter) {
    this.#ctx = ctx;
    this.#state = state;
    this.#cache = cache;
    this.#counter = counter;
  }

  get(): unknown {
    return this.#row().stored;
  }

  set(stored: unknown): void {
    const row = this.#row();
    row.stored = stored;
    row.shared = false;
    this.#wrote(row);
  }

  delete(): void {
    const row = this.#row();
    if (row.stored === undefined) return;
    row.stored = undefined;
    row.shared = false;
    this.#wrote(row);
  }

  peek(): Cell<unknown> | undefined {
    return this.#row().stored as Cell<unknown> | undefined;
  }

  own(copy: (value: unknown) => unknown): Cell<unknown> | undefined {
    const row = this.#row();
    const cell = row.stored as Cell<unknown> | undefined;
    if (cell === undefined) return undefined;
    this.#wrote(row);
    if (!row.shared) return cell;
    const owned = new Cell(copy(cell.value), 0);
    row.stored = owned;
    row.shared = false;
    return owned;
  }

  put(value: unknown): void {
    const row = this.#row();
    const cell = row.stored as Cell<unknown> | undefined;
    if (cell === undefined || row.shared) row.stored = new Cell(value, 0);
    else cell.value = value;
    row.shared = false;
    this.#wrote(row);
  }

  #row(): Row {
    const ctx = this.#ctx;
    if (ctx.group < 0) ctx.fail();
    const last = this.#last;
    if (last?.live && this.#lastVersion === ctx.version) return last;
    const row = this.#cache.row(this.#state, ctx.keyGroup, ctx.canonical);
    this.#last = row;
    this.#lastVersion = ctx.version;
    return row;
  }

  #wrote(row: Row): void {
    row.dirty = true;
    this.#state.written[this.#ctx.group] = this.#counter.snapshots;
  }
}
