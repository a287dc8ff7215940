/**
 * Copy-on-write storage of the heap backend, at key-group granularity (Flink's CopyOnWriteStateMap,
 * coarsened). Each state keeps one {@link StateTable} (a `Map` from map key to stored value) per
 * key group. A snapshot's synchronous part only pins the current tables; the first write to a
 * pinned table replaces it with a shallow copy, so the snapshot keeps reading the original while
 * records update the copy. Values that the backend mutates in place (a list's array, a map state's
 * `Map`, an accumulator) live in a {@link Cell} stamped with the epoch of the table that created it:
 * a cell whose epoch differs from its table's may be shared with a pinned table, and is copied
 * before its first in-place mutation. Epochs are unique per table, so no bookkeeping is needed when
 * a snapshot completes.
 *
 * Thread: the owning subtask's worker thread.
 */
import type { StateKind } from '../state-descriptor.ts';

/** A stored value that may be mutated in place, stamped with the epoch of the table that owns it. */
export class Cell<V> {
  /** The value (an array, a `Map`, an accumulator). */
  value: V;
  /** Epoch of the table the cell was created for; only that table may mutate it. */
  readonly epoch: number;

  constructor(value: V, epoch: number) {
    this.value = value;
    this.epoch = epoch;
  }
}

/** The entries of one state in one key group. */
export class StateTable<S> {
  /** Map key (see `key-encoding.ts`) to stored value. */
  readonly map: Map<unknown, S>;
  /** Unique per table; cells created for this table carry it. */
  readonly epoch: number;
  /** Pending snapshots that hold this table; while > 0 it is read-only and writes copy it. */
  pins = 0;
  /**
   * The backend's snapshot count when this table was last written (see {@link Epochs.snapshots}):
   * the table is unchanged since snapshot `s` was captured iff `written <= s`. Incremental
   * snapshots reuse the earlier blob of such a table instead of encoding it again.
   */
  written = 0;
  /**
   * This table's entries as a snapshot last encoded them, and {@link written} then: while
   * `written` has not moved the table is unchanged, and the next snapshot copies these bytes
   * instead of encoding the entries again (memory: about the table's encoded size).
   */
  encoded: { readonly written: number; readonly bytes: Uint8Array } | undefined;

  constructor(epoch: number, source?: Map<unknown, S>) {
    this.map = source === undefined ? new Map() : new Map(source);
    this.epoch = epoch;
  }
}

/** Hands out table epochs and counts snapshots, one per backend. */
export class Epochs {
  #next = 1;
  /**
   * Snapshots captured so far. Snapshot `s` is captured while this is `s`, then it becomes `s + 1`,
   * so a write after the capture stamps its table with a number above `s`.
   */
  snapshots = 1;

  /** A fresh epoch. */
  next(): number {
    return this.#next++;
  }
}

/** The tables of one state, indexed by key group minus the first owned key group. */
export class StateTables<S> {
  /** The state's name. */
  readonly name: string;
  /** The state's kind. */
  readonly kind: StateKind;
  /** One table per owned key group, `undefined` where the state has never been written. */
  readonly byGroup: (StateTable<S> | undefined)[];
  readonly #epochs: Epochs;

  constructor(name: string, kind: StateKind, groupCount: number, epochs: Epochs) {
    this.name = name;
    this.kind = kind;
    this.byGroup = new Array<StateTable<S> | undefined>(groupCount).fill(undefined);
    this.#epochs = epochs;
  }

  /** The table of local group `group` for writing: created, or copied if a snapshot holds it. */
  writable(group: number): StateTable<S> {
    const table = this.byGroup[group];
    if (table !== undefined && table.pins === 0) {
      table.written = this.#epochs.snapshots;
      return table;
    }
    const fresh = new StateTable<S>(this.#epochs.next(), table?.map);
    fresh.written = this.#epochs.snapshots;
    this.byGroup[group] = fresh;
    return fresh;
  }

  /** Removes `mapKey` from local group `group`, copying the table only if the key is there. */
  delete(group: number, mapKey: unknown): void {
    const table = this.byGroup[group];
    if (table?.map.has(mapKey)) this.writable(group).map.delete(mapKey);
  }

  /** Whether local group `group` holds any entry. */
  hasEntries(group: number): boolean {
    return (this.byGroup[group]?.map.size ?? 0) > 0;
  }
}
