/**
 * The embedded backend's only in-memory state: a bounded cache of decoded rows that is also its
 * write buffer (RocksDB's memtable and block cache in one, much simplified). A state access finds
 * the current key's row here, or reads it from the store once; writes change the cached row and
 * mark it dirty. When the cache is full, every dirty row is written in one LMDB write transaction
 * and a quarter of the rows is dropped, oldest first but giving rows used since the last eviction a
 * second chance (the CLOCK approximation of least recently used: a hit costs one boolean store), so
 * memory stays at `capacity` rows whatever the state's size. Key iteration and restores flush first.
 *
 * A handle may keep a reference to a row between accesses; `live` turns false when the row leaves
 * the cache, so that it looks the row up again instead of writing to a dropped one.
 *
 * A snapshot's synchronous part does not write the dirty rows: it captures them
 * ({@link RowCache.captureDirty}: references, no copies) and marks them `shared`; the first in-place
 * mutation of a shared row's value replaces it with a copy first (see `row-access.ts`), so the
 * snapshot keeps what the row held at the snapshot point.
 *
 * Thread: the owning subtask's worker thread.
 */
import type { RegisteredState } from './registered-state.ts';
import { decodeRowValue, encodeRowValue } from './row-codec.ts';
import { rowKey } from './row-key.ts';
import type { RowStore, RowWrite } from './row-store.ts';

/** A cached row: the stored form of one (state, key), `undefined` when the key has none. */
export class Row {
  /** The stored form (a raw value for value state, a `Cell` for the others), or `undefined`. */
  stored: unknown;
  /** Written since it was last flushed. */
  dirty = false;
  /** Still in the cache. */
  live = true;
  /** A pending snapshot holds `stored`: it must be replaced, not mutated in place. */
  shared = false;
  /** Used since the last eviction pass went by: survives the next one. */
  referenced = false;
  readonly state: RegisteredState;
  readonly keyGroup: number;
  /** The key's canonical encoding. */
  readonly canonical: string;

  constructor(state: RegisteredState, keyGroup: number, canonical: string, stored: unknown) {
    this.state = state;
    this.keyGroup = keyGroup;
    this.canonical = canonical;
    this.stored = stored;
  }
}

/** The dirty rows a snapshot captured: state id → key group → canonical key → stored form. */
export type CapturedRows = Map<number, Map<number, Map<string, unknown>>>;

/** Rows dropped per eviction: a quarter of the cache, so flushes are batched. */
const EVICT_FRACTION = 0.25;

/** The bounded cache and write buffer of one backend. */
export class RowCache {
  readonly #rows = new Map<string, Row>();
  readonly #store: RowStore;
  readonly #capacity: number;

  constructor(store: RowStore, capacity: number) {
    this.#store = store;
    this.#capacity = capacity;
  }

  /** Rows in the cache. */
  get size(): number {
    return this.#rows.size;
  }

  /**
   * The row of `state` for the key encoded as `canonical` in `keyGroup`, read from the store on a
   * miss (which may evict older rows, flushing dirty ones first).
   */
  row(state: RegisteredState, keyGroup: number, canonical: string): Row {
    const id = String.fromCharCode(state.id) + canonical;
    const cached = this.#rows.get(id);
    if (cached !== undefined) {
      cached.referenced = true;
      return cached;
    }
    const key = rowKey(keyGroup, state.id, canonical);
    const value = this.#store.get(key);
    const row = new Row(
      state,
      keyGroup,
      canonical,
      value === undefined ? undefined : decodeRowValue(state.kind, key, value),
    );
    if (this.#rows.size >= this.#capacity) this.#evict();
    this.#rows.set(id, row);
    return row;
  }

  /**
   * Writes every dirty row to the store, in one transaction.
   * @throws StateAccessError `unencodable-value` before anything is written if a value cannot be
   * encoded (the rows stay dirty).
   */
  flush(): void {
    const writes: RowWrite[] = [];
    const flushed: Row[] = [];
    for (const row of this.#rows.values()) {
      if (!row.dirty) continue;
      const { state, keyGroup, canonical, stored } = row;
      writes.push({
        key: rowKey(keyGroup, state.id, canonical),
        value:
          stored === undefined
            ? undefined
            : encodeRowValue(state.name, state.kind, keyGroup, canonical, stored),
      });
      flushed.push(row);
    }
    this.#store.write(writes);
    for (const row of flushed) row.dirty = false;
  }

  /**
   * The dirty rows, by state, key group and key (what LMDB does not hold yet), each marked shared:
   * the synchronous part of a snapshot, O(cached rows), no I/O.
   */
  captureDirty(): CapturedRows {
    const captured: CapturedRows = new Map();
    for (const row of this.#rows.values()) {
      if (!row.dirty) continue;
      row.shared = true;
      let byGroup = captured.get(row.state.id);
      if (byGroup === undefined) captured.set(row.state.id, (byGroup = new Map()));
      let byKey = byGroup.get(row.keyGroup);
      if (byKey === undefined) byGroup.set(row.keyGroup, (byKey = new Map()));
      byKey.set(row.canonical, row.stored);
    }
    return captured;
  }

  /** Flushes, then empties the cache (after a restore wrote rows under it). */
  invalidate(): void {
    this.flush();
    this.clear();
  }

  /** Drops every row without writing anything (dispose). */
  clear(): void {
    for (const row of this.#rows.values()) row.live = false;
    this.#rows.clear();
  }

  #evict(): void {
    this.flush();
    let drop = Math.max(1, Math.floor(this.#capacity * EVICT_FRACTION));
    // One pass in insertion order: a referenced row loses its flag and moves to the back, an
    // unreferenced one is dropped. Moved rows are met again only after every other row.
    let visits = this.#rows.size;
    for (const [id, row] of this.#rows) {
      if (drop === 0 || visits-- === 0) break;
      this.#rows.delete(id);
      if (row.referenced) {
        row.referenced = false;
        this.#rows.set(id, row);
      } else {
        row.live = false;
        drop--;
      }
    }
    // Every row was referenced: drop the oldest ones now that their flags are cleared.
    for (const [id, row] of this.#rows) {
      if (drop-- <= 0) break;
      row.live = false;
      this.#rows.delete(id);
    }
  }
}
