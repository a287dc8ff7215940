/**
 * Incremental keyed-state checkpoints of one keyed operator of a subtask (worker thread), in the
 * manner of Flink's incremental RocksDB checkpoints, which share SST files between checkpoints.
 *
 * Each checkpoint writes one keyed handle, a *segment*: the envelope of the (state, key group) blobs
 * it encoded. The *base* is the latest completed checkpoint this subtask took part in (it learns of
 * completion from the coordinator's notification); a (state, key group) table not written since the
 * base was captured is not encoded again: the new checkpoint references the blob in the segment
 * that holds it (`keyedShared`: that segment's handle, `../chk-<m>/<name>` for files, and the blob
 * indices). A reference always names the checkpoint that wrote the segment, so a restore reads at
 * most one segment per earlier checkpoint and never follows a chain.
 *
 * Compaction: a segment of which less than half the bytes are still referenced is not reused; its
 * live blobs are encoded again, so that the state kept on disk stays within about twice the state.
 *
 * Savepoints are always full (and never a base): they are self-contained, as Flink's are.
 */
import type { SharedKeyedState, StateHandle } from '../../checkpoint/storage/state-handle.ts';
import type { EncodedKeyedState, IncrementalBase } from '../../state/keyed-state-snapshot.ts';

/** A segment: the keyed handle one checkpoint wrote, as that checkpoint's ack named it. */
interface Segment {
  readonly checkpointId: number;
  readonly handle: StateHandle;
}

/** Where the current blob of one (state, key group) lives. */
interface BlobLocation {
  readonly segment: Segment;
  readonly index: number;
  readonly bytes: number;
}

/** Which blob holds each (state, key group) of one snapshot. */
interface View {
  readonly checkpointId: number;
  readonly sequence: number;
  readonly blobs: ReadonlyMap<string, BlobLocation>;
}

/** The base one snapshot was encoded against, with the view it refers to. */
export interface SnapshotBase extends IncrementalBase {
  readonly view: View;
}

/** How many snapshots not yet completed or aborted are remembered. */
const MAX_PENDING = 16;

const blobKey = (state: string, keyGroup: number): string => `${keyGroup}\u0000${state}`;

/** The incremental-checkpoint bookkeeping of one keyed operator of a subtask. */
export class IncrementalKeyedState {
  #base: View | undefined;
  readonly #pending = new Map<number, View>();

  /** The base for the next snapshot, or `undefined` (encode everything). */
  base(): SnapshotBase | undefined {
    const view = this.#base;
    if (view === undefined) return undefined;
    const live = new Map<Segment, number>();
    for (const loc of view.blobs.values()) live.set(loc.segment, (live.get(loc.segment) ?? 0) + loc.bytes);
    const sparse = new Set<Segment>();
    for (const [segment, bytes] of live) if (bytes * 2 < segment.handle.bytes) sparse.add(segment);
    return {
      view,
      sequence: view.sequence,
      has: (state, keyGroup) => {
        const loc = view.blobs.get(blobKey(state, keyGroup));
        return loc !== undefined && !sparse.has(loc.segment);
      },
    };
  }

  /**
   * Records what checkpoint `checkpointId` holds: the blobs of `encoded` in `handle` (the segment it
   * wrote) and those it reused from `base`. Returns the references for its acknowledgement.
   */
  record(
    checkpointId: number,
    sequence: number,
    encoded: EncodedKeyedState,
    handle: StateHandle,
    base: SnapshotBase | undefined,
  ): SharedKeyedState[] {
    const blobs = new Map<string, BlobLocation>();
    const segment: Segment = { checkpointId, handle };
    encoded.keyGroups.forEach((blob, index) => {
      if (blob.state === undefined)
        throw new Error('internal: an incremental snapshot wrote a whole key group');
      blobs.set(blobKey(blob.state, blob.keyGroup), { segment, index, bytes: blob.bytes.length });
    });
    const shared = new Map<Segment, number[]>();
    for (const { state, keyGroup } of encoded.reused ?? []) {
      const key = blobKey(state, keyGroup);
      const loc = base?.view.blobs.get(key);
      if (loc === undefined) throw new Error(`internal: reused blob ${key} is not in the base`);
      blobs.set(key, loc);
      const indices = shared.get(loc.segment);
      if (indices === undefined) shared.set(loc.segment, [loc.index]);
      else indices.push(loc.index);
    }
    this.#pending.set(checkpointId, { checkpointId, sequence, blobs });
    if (this.#pending.size > MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value!);
    return Array.from(shared, ([seg, indices]) => ({
      handle: relocate(seg.handle, seg.checkpointId),
      blobs: indices.sort((a, b) => a - b),
    }));
  }

  /** Checkpoint `checkpointId` completed: it becomes the base if it is newer. */
  completed(checkpointId: number): void {
    const view = this.#pending.get(checkpointId);
    for (const id of [...this.#pending.keys()]) if (id <= checkpointId) this.#pending.delete(id);
    if (view !== undefined && (this.#base === undefined || checkpointId > this.#base.checkpointId))
      this.#base = view;
  }

  /** Checkpoint `checkpointId` was aborted: it never becomes a base. */
  aborted(checkpointId: number): void {
    this.#pending.delete(checkpointId);
  }
}

/** The handle of segment `handle`, written by checkpoint `owner`, as a later checkpoint names it. */
function relocate(handle: StateHandle, owner: number): StateHandle {
  if (handle.kind === 'inline') return handle;
  return { ...handle, path: `../chk-${owner}/${handle.path}` };
}
