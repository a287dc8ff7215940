/**
 * A snapshot of an embedded backend. The synchronous part (`backend.snapshot()`) opens an LMDB read
 * transaction (an MVCC snapshot that later writes never change) and captures, by reference, the
 * cached rows that are dirty (newer than what LMDB holds; copy-on-write keeps them, see
 * `row-access.ts`): no I/O, and a cost that depends on the cache's size, not the state's. The
 * asynchronous part (`encode`) scans the rows key group by key group through that transaction,
 * with the captured rows taking precedence over LMDB's, and writes the
 * same key-group snapshot format as the heap backend (`key-group-codec.ts`), so a snapshot of
 * either backend restores into the other, at any parallelism. One key group's entries of one state
 * are in memory at a time, plus the blobs written so far.
 *
 * Incremental snapshots write one blob per (state, key group) and skip those the base has and that
 * were not written since it was captured ({@link RegisteredState.written}).
 *
 * Thread: the owning subtask's worker thread; `encode` interleaves with record processing on it.
 */
import { resolveEncodeOptions, snapshotReleased } from '../backend-checks.ts';
import { heapKind } from '../heap/heap-kind-registry.ts';
import { decodeCanonicalKey } from '../key-decoding.ts';
import { createStatePackr, KeyGroupWriter } from '../key-group-codec.ts';
import type { KeyGroupRange } from '../key-groups.ts';
import type {
  EncodedKeyedState,
  KeyedStateSnapshot,
  KeyGroupStateHandle,
  ReusedStateBlob,
  SnapshotEncodeOptions,
} from '../keyed-state-snapshot.ts';
import type { StateKind } from '../state-descriptor.ts';
import type { CapturedRows } from './row-cache.ts';
import { rowCanonical, rowPlain, rowUserKey } from './row-codec.ts';
import { keyGroupRows, stateRange } from './row-key.ts';
import type { RowStore, StoreSnapshot } from './row-store.ts';

/** A state as of the snapshot point. */
export interface CapturedState {
  readonly name: string;
  readonly kind: StateKind;
  readonly id: number;
  /** {@link RegisteredState.written}, copied at the snapshot point. */
  readonly written: readonly number[];
}

/** What a snapshot reads from. */
export interface SnapshotSource {
  readonly store: RowStore;
  readonly snapshot: StoreSnapshot;
  readonly states: readonly CapturedState[];
  /** The dirty cached rows at the snapshot point, newer than the rows `snapshot` reads. */
  readonly captured: CapturedRows;
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  readonly sequence: number;
  /** Called once when the snapshot is released (the backend may close its store then). */
  readonly onRelease: () => void;
}

/** One state's entries of one key group: flattened `[key, plain, ...]`. */
interface StateEntries {
  readonly state: CapturedState;
  readonly flat: unknown[];
}

/** An embedded backend's state as of one snapshot point. */
export class EmbeddedSnapshot implements KeyedStateSnapshot {
  readonly keyGroupRange: KeyGroupRange;
  readonly sequence: number;
  readonly #source: SnapshotSource;
  /** Key groups holding captured rows. */
  readonly #capturedGroups = new Set<number>();
  #phase: 'captured' | 'encoding' | 'released' = 'captured';
  #sinceYield = 0;
  #entries = 0;

  constructor(source: SnapshotSource) {
    this.#source = source;
    for (const byGroup of source.captured.values())
      for (const keyGroup of byGroup.keys()) this.#capturedGroups.add(keyGroup);
    this.keyGroupRange = source.keyGroupRange;
    this.sequence = source.sequence;
  }

  async encode(options: SnapshotEncodeOptions = {}): Promise<EncodedKeyedState> {
    if (this.#phase !== 'captured') throw snapshotReleased(false);
    const { batchEntries, pause, incremental, base } = resolveEncodeOptions(options);
    this.#phase = 'encoding';
    try {
      const { store, snapshot, states, keyGroupRange, maxParallelism } = this.#source;
      const packr = createStatePackr();
      const keyGroups: KeyGroupStateHandle[] = [];
      const reused: ReusedStateBlob[] = [];
      let sizeBytes = 0;
      for (let keyGroup = keyGroupRange.start; keyGroup <= keyGroupRange.end; keyGroup++) {
        const [from, to] = keyGroupRows(keyGroup);
        if (!this.#capturedGroups.has(keyGroup) && !store.hasRows(from, to, snapshot)) continue;
        const group = keyGroup - keyGroupRange.start;
        const parts: StateEntries[] = [];
        for (const state of states) {
          if (
            base !== undefined &&
            state.written[group]! <= base.sequence &&
            base.has(state.name, keyGroup)
          ) {
            reused.push({ state: state.name, keyGroup });
            continue;
          }
          const flat = this.#collect(keyGroup, state);
          if (flat.length > 0) parts.push({ state, flat });
        }
        if (parts.length === 0) continue;
        const writers =
          incremental === undefined
            ? [{ parts, state: undefined }]
            : parts.map((part) => ({ parts: [part], state: part.state.name }));
        for (const { parts: written, state } of writers) {
          const writer = new KeyGroupWriter(packr, keyGroup, maxParallelism, written.length);
          for (const part of written) await this.#write(writer, part, batchEntries, pause);
          const bytes = writer.finish();
          keyGroups.push(state === undefined ? { keyGroup, bytes } : { keyGroup, bytes, state });
          sizeBytes += bytes.length;
        }
      }
      return {
        maxParallelism,
        keyGroupRange,
        keyGroups,
        sizeBytes,
        entries: this.#entries,
        ...(incremental === undefined ? {} : { reused }),
      };
    } finally {
      this.release();
    }
  }

  release(): void {
    if (this.#phase === 'released') return;
    this.#phase = 'released';
    this.#source.snapshot.done();
    this.#source.onRelease();
  }

  /**
   * The entries of `state` in `keyGroup`: LMDB's rows as of the read transaction, replaced by the
   * captured rows of the same keys (`undefined`: deleted since). Read synchronously, so no cursor
   * stays open across a pause.
   */
  #collect(keyGroup: number, state: CapturedState): unknown[] {
    const captured = this.#source.captured.get(state.id)?.get(keyGroup);
    const [from, to] = stateRange(keyGroup, state.id);
    const flat: unknown[] = [];
    for (const { key, value } of this.#source.store.rows(from, to, this.#source.snapshot)) {
      if (captured?.has(rowCanonical(key, value))) continue;
      flat.push(rowUserKey(key, value), rowPlain(key, value));
    }
    if (captured !== undefined) {
      const toPlain = heapKind(state.kind).toPlain;
      for (const [canonical, stored] of captured)
        if (stored !== undefined) flat.push(decodeCanonicalKey(canonical), toPlain(stored));
    }
    return flat;
  }

  /** Writes one state's entries as batches, pausing after every `batchEntries` entries. */
  async #write(
    writer: KeyGroupWriter,
    { state, flat }: StateEntries,
    batchEntries: number,
    pause: () => Promise<void>,
  ): Promise<void> {
    writer.beginState(state.name, state.kind, flat.length / 2);
    for (let i = 0; i < flat.length; i += batchEntries * 2) {
      const batch = flat.slice(i, i + batchEntries * 2);
      writer.writeBatch(batch);
      this.#entries += batch.length / 2;
      this.#sinceYield += batch.length / 2;
      if (this.#sinceYield < batchEntries) continue;
      this.#sinceYield = 0;
      await pause();
      if (this.#phase === 'released') throw snapshotReleased(true);
    }
  }
}
