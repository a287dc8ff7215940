/**
 * A snapshot of a heap backend. The synchronous part (`HeapSnapshot.capture`, called by
 * `backend.snapshot()`) pins the current table of every state in every owned key group: O(key
 * groups x states), whatever the state's size. The asynchronous part (`encode`) walks the pinned
 * tables key group by key group into the key-group snapshot format, yielding to the event loop
 * between batches so that records keep being processed; the backend's copy-on-write (see
 * `state-table.ts`) guarantees that those records' writes land in copies, never in what is being
 * encoded. Each key group is unpinned as soon as it is encoded, so later writes to it stop copying.
 *
 * A table unchanged since an earlier snapshot encoded it (`StateTable.written` has not moved) is not
 * encoded again: its bytes from then are copied (`StateTable.encoded`), so encoding costs O(changed
 * entries) plus a copy of the rest.
 *
 * Incremental snapshots (`encode({ incremental })`) write one blob per (state, key group) and skip a
 * table the base has and that was not written since the base was captured (`StateTable.written`);
 * the caller then references the base's blob (see
 * `src/task/checkpointing/incremental-keyed-state.ts`).
 *
 * Thread: the owning subtask's worker thread; `encode` interleaves with record processing on it.
 */
import type { Packr } from 'msgpackr';
import { resolveEncodeOptions, snapshotReleased } from '../backend-checks.ts';
import { fromMapKey } from '../key-decoding.ts';
import { createStatePackr, KeyGroupWriter } from '../key-group-codec.ts';
import type { KeyGroupRange } from '../key-groups.ts';
import type {
  EncodedKeyedState,
  KeyedStateSnapshot,
  KeyGroupStateHandle,
  ReusedStateBlob,
  SnapshotEncodeOptions,
} from '../keyed-state-snapshot.ts';
import { heapKind } from './heap-kind-registry.ts';
import { decodeKeyGroup } from './heap-restore.ts';
import { Epochs, type StateTable, StateTables } from './state-table.ts';

/**
 * The pinned tables, flat so that the synchronous part allocates no object per table: group `g`
 * holds tables `[groupStart[g], groupStart[g + 1])` of `tables`, of states `states`.
 */
interface Pinned {
  readonly keyGroups: number[];
  readonly groupStart: number[];
  readonly states: StateTables<unknown>[];
  readonly tables: StateTable<unknown>[];
}

/** Encodes pinned tables in batches, pausing between them. */
class TableEncoder {
  readonly packr: Packr;
  readonly #batchEntries: number;
  readonly #pause: () => Promise<void>;
  readonly #batch: unknown[] = [];
  entries = 0;
  #sinceYield = 0;

  constructor(packr: Packr, batchEntries: number, pause: () => Promise<void>) {
    this.packr = packr;
    this.#batchEntries = batchEntries;
    this.#pause = pause;
  }

  /** Writes `table` as the next state of `writer`. */
  async write(
    writer: KeyGroupWriter,
    state: StateTables<unknown>,
    table: StateTable<unknown>,
  ): Promise<void> {
    // Unchanged since a snapshot encoded it (pinned now, so `written` holds still): its bytes again.
    const cached = table.encoded;
    if (cached !== undefined && cached.written === table.written) {
      writer.appendEncoded(cached.bytes);
      this.entries += table.map.size;
      this.#sinceYield += table.map.size;
      return;
    }
    const mark = writer.length;
    const batch = this.#batch;
    const batchEntries = this.#batchEntries;
    const toPlain = heapKind(state.kind).toPlain;
    writer.beginState(state.name, state.kind, table.map.size);
    for (const [mapKey, stored] of table.map) {
      batch.push(fromMapKey(mapKey), toPlain(stored));
      if (batch.length < batchEntries * 2) continue;
      writer.writeBatch(batch);
      batch.length = 0;
      this.entries += batchEntries;
      this.#sinceYield = 0;
      // The table stays pinned across the pause: writes meanwhile go to copies.
      await this.#pause();
    }
    if (batch.length > 0) {
      writer.writeBatch(batch);
      this.entries += batch.length / 2;
      this.#sinceYield += batch.length / 2;
      batch.length = 0;
    }
    table.encoded = { written: table.written, bytes: writer.since(mark) };
  }

  /** Pauses once a batch worth of entries was encoded since the last pause. */
  async maybePause(): Promise<void> {
    if (this.#sinceYield < this.#batchEntries) return;
    this.#sinceYield = 0;
    await this.#pause();
  }
}

/**
 * A key group restored lazily and not decoded when the snapshot was captured: its state is exactly
 * its restored blobs, which the snapshot writes again instead of decoding them in the synchronous
 * part (so the first checkpoint after a restore keeps a synchronous part of O(key groups)).
 */
export interface UndecodedKeyGroup {
  readonly keyGroup: number;
  readonly blobs: readonly KeyGroupStateHandle[];
}

/** A heap backend's state as of one snapshot point. */
export class HeapSnapshot implements KeyedStateSnapshot {
  readonly keyGroupRange: KeyGroupRange;
  readonly sequence: number;
  readonly #maxParallelism: number;
  readonly #pinned: Pinned;
  readonly #undecoded: readonly UndecodedKeyGroup[];
  /** Groups before this index are encoded and unpinned. */
  #next = 0;
  #phase: 'captured' | 'encoding' | 'released' = 'captured';

  private constructor(
    range: KeyGroupRange,
    maxParallelism: number,
    pinned: Pinned,
    sequence: number,
    undecoded: readonly UndecodedKeyGroup[],
  ) {
    this.keyGroupRange = range;
    this.sequence = sequence;
    this.#maxParallelism = maxParallelism;
    this.#pinned = pinned;
    this.#undecoded = undecoded;
  }

  /**
   * The synchronous part: pins every non-empty table of `states` and counts the snapshot in
   * `epochs`; `undecoded` key groups (disjoint from the tables' groups) are written from their blobs.
   */
  static capture(
    states: readonly StateTables<unknown>[],
    range: KeyGroupRange,
    maxParallelism: number,
    epochs: Epochs,
    undecoded: readonly UndecodedKeyGroup[] = [],
  ): HeapSnapshot {
    const pinned: Pinned = { keyGroups: [], groupStart: [0], states: [], tables: [] };
    const groupCount = range.end - range.start + 1;
    for (let group = 0; group < groupCount; group++) {
      for (const state of states) {
        const table = state.byGroup[group];
        if (table === undefined || table.map.size === 0) continue;
        table.pins++;
        pinned.states.push(state);
        pinned.tables.push(table);
      }
      if (pinned.tables.length === pinned.groupStart[pinned.groupStart.length - 1]) continue;
      pinned.keyGroups.push(range.start + group);
      pinned.groupStart.push(pinned.tables.length);
    }
    const sequence = epochs.snapshots++;
    return new HeapSnapshot(range, maxParallelism, pinned, sequence, undecoded);
  }

  async encode(options: SnapshotEncodeOptions = {}): Promise<EncodedKeyedState> {
    if (this.#phase !== 'captured') throw snapshotReleased(false);
    const { batchEntries, pause, incremental, base } = resolveEncodeOptions(options);
    this.#phase = 'encoding';
    try {
      const encoder = new TableEncoder(createStatePackr(), batchEntries, async () => this.#pause(pause));
      const keyGroups: KeyGroupStateHandle[] = [];
      const reused: ReusedStateBlob[] = [];
      let sizeBytes = 0;
      const { keyGroups: groupKeys, groupStart, states, tables } = this.#pinned;
      while (this.#next < groupKeys.length) {
        const keyGroup = groupKeys[this.#next]!;
        const first = groupStart[this.#next]!;
        const end = groupStart[this.#next + 1]!;
        if (incremental === undefined) {
          const writer = new KeyGroupWriter(encoder.packr, keyGroup, this.#maxParallelism, end - first);
          for (let i = first; i < end; i++) await encoder.write(writer, states[i]!, tables[i]!);
          const bytes = writer.finish();
          keyGroups.push({ keyGroup, bytes });
          sizeBytes += bytes.length;
        } else {
          for (let i = first; i < end; i++) {
            const state = states[i]!;
            const table = tables[i]!;
            // Pinned, so `written` cannot change while this runs: writes go to a copy.
            if (base !== undefined && table.written <= base.sequence && base.has(state.name, keyGroup)) {
              reused.push({ state: state.name, keyGroup });
              continue;
            }
            const writer = new KeyGroupWriter(encoder.packr, keyGroup, this.#maxParallelism, 1);
            await encoder.write(writer, state, table);
            const bytes = writer.finish();
            keyGroups.push({ keyGroup, bytes, state: state.name });
            sizeBytes += bytes.length;
          }
        }
        this.#unpin(this.#next++);
        await encoder.maybePause();
      }
      for (const { keyGroup, blobs } of this.#undecoded) {
        for (const blob of blobs) {
          if (incremental === undefined || blob.state !== undefined) {
            // Already in the snapshot format, checked at restore: written again as it is.
            keyGroups.push(
              blob.state === undefined
                ? { keyGroup, bytes: blob.bytes }
                : { keyGroup, bytes: blob.bytes, state: blob.state },
            );
            sizeBytes += blob.bytes.length;
            continue;
          }
          // A whole-key-group blob, but incremental snapshots write one blob per state.
          for (const table of this.#decodeBlob(keyGroup, blob)) {
            const writer = new KeyGroupWriter(encoder.packr, keyGroup, this.#maxParallelism, 1);
            await encoder.write(
              writer,
              new StateTables(table.name, table.kind, 1, new Epochs()),
              table.table,
            );
            const bytes = writer.finish();
            keyGroups.push({ keyGroup, bytes, state: table.name });
            sizeBytes += bytes.length;
          }
          await encoder.maybePause();
        }
      }
      if (this.#undecoded.length > 0) keyGroups.sort((a, b) => a.keyGroup - b.keyGroup);
      return {
        maxParallelism: this.#maxParallelism,
        keyGroupRange: this.keyGroupRange,
        keyGroups,
        sizeBytes,
        entries: encoder.entries,
        ...(incremental === undefined ? {} : { reused }),
      };
    } finally {
      this.release();
    }
  }

  release(): void {
    if (this.#phase === 'released') return;
    this.#phase = 'released';
    const groups = this.#pinned.keyGroups.length;
    while (this.#next < groups) this.#unpin(this.#next++);
  }

  /** The tables of one restored whole-key-group blob, decoded apart from any backend. */
  #decodeBlob(keyGroup: number, blob: KeyGroupStateHandle) {
    const target = {
      keyGroupRange: this.keyGroupRange,
      maxParallelism: this.#maxParallelism,
      epochs: new Epochs(),
      kindOf: () => undefined,
      occupied: () => false,
    };
    return decodeKeyGroup(keyGroup, [blob], target, new Map());
  }

  /** Unpins the tables of pinned group `index`, so that writes to them stop copying. */
  #unpin(index: number): void {
    const { groupStart, tables } = this.#pinned;
    for (let i = groupStart[index]!; i < groupStart[index + 1]!; i++) tables[i]!.pins--;
  }

  /** Lets other work run, then stops if the snapshot was released meanwhile. */
  async #pause(pause: () => Promise<void>): Promise<void> {
    await pause();
    if (this.#phase === 'released') throw snapshotReleased(true);
  }
}
