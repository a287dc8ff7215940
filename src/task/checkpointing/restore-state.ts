/**
 * A subtask restores its state before it processes any record (worker thread): it reads and
 * verifies every state handle the restore plan dealt it, loads keyed state by key group into the
 * keyed backends, hands source splits to the source, and operator states to their operators.
 */
import { Unpackr } from 'msgpackr';
import { readState } from '../../checkpoint/storage/reader.ts';
import type { SharedKeyedState, StateHandle } from '../../checkpoint/storage/state-handle.ts';
import { StateMappingError } from '../../runtime/errors.ts';
import type { SubtaskRestore } from '../../runtime/protocol.ts';
import { StateRestoreError } from '../../state/errors.ts';
import { keyGroupsInRange } from '../../state/keyed-state-backend.ts';
import type { EncodedKeyedState, KeyGroupStateHandle } from '../../state/keyed-state-snapshot.ts';
import type { OperatorChain } from '../operator-chain.ts';
import { restoredSplits } from './restored-splits.ts';
import { decodeSnapshotBytes } from './subtask-checkpointer.ts';

/**
 * Restores `restore` into the chain; `operatorUids` are the chain's non-source operators, in order.
 * Returns the in-flight records of an unaligned checkpoint, to be processed before any input;
 * `ownsRecord` keeps those that belong to this subtask (by key group, for a keyed input).
 */
export async function restoreSubtask(
  restore: SubtaskRestore,
  chain: OperatorChain,
  sourceUid: string | undefined,
  operatorUids: readonly string[],
  ownsRecord: (record: unknown) => boolean,
): Promise<unknown[]> {
  const replay: unknown[] = [];
  const restored = new Set<number>();
  const read = async (handles: readonly StateHandle[]): Promise<unknown[]> =>
    Promise.all(handles.map(async (handle) => decodeSnapshotBytes(await readState(handle, restore.pointer))));
  for (const op of restore.operators) {
    for (const state of await read(op.channel)) {
      for (const batch of (state as { batches: Uint8Array[] }).batches) {
        for (const record of channelUnpackr.unpack(batch) as unknown[])
          if (ownsRecord(record)) replay.push(record);
      }
    }
    if (op.keyed.length > 0) {
      const backend = chain.keyedBackends.get(op.operatorUid);
      if (!backend) {
        throw new StateMappingError(
          `operator uid ${op.operatorUid} has keyed state in the checkpoint but is not keyed in this job`,
        );
      }
      const snapshots = await readKeyedState(op.keyed, op.keyedShared ?? [], restore.pointer);
      // Lazily: records flow once the state is read and checked; key groups decode on first use or
      // in the background (see HeapKeyedStateBackend).
      await backend.restore(keyGroupsInRange(snapshots, backend.keyGroupRange), { lazy: true });
    }
    const states = await read(op.operator);
    if (op.operatorUid === sourceUid) {
      const source = chain.source!;
      source.restoreSplits(
        restoredSplits(op.operatorUid, op.operator, states, restore.pointer, source.snapshotSplits()),
      );
      continue;
    }
    const index = operatorUids.indexOf(op.operatorUid);
    const operator = chain.operators[index];
    if (states.length === 0 || !operator) continue;
    if (!operator.restoreState) {
      throw new StateMappingError(
        `operator uid ${op.operatorUid} has operator state in the checkpoint but takes none in this job`,
      );
    }
    restored.add(index);
    await operator.restoreState(states);
  }
  // Operators that take state but were dealt none still learn that they restore (a sink then
  // discards what earlier attempts left behind).
  for (const [index, operator] of chain.operators.entries())
    if (!restored.has(index)) await operator.restoreState?.([]);
  return replay;
}

/**
 * Reads and verifies keyed state: every blob of `own` handles, and the blobs `shared` references
 * name in the envelopes of earlier checkpoints (incremental checkpoints). `pointer` is the
 * checkpoint's directory (file handles are relative to it).
 */
export async function readKeyedState(
  own: readonly StateHandle[],
  shared: readonly SharedKeyedState[],
  pointer: string | undefined,
): Promise<EncodedKeyedState[]> {
  // readState verifies every byte against the handle's checksum: the blobs need no second check.
  const decode = async (handle: StateHandle): Promise<EncodedKeyedState> => {
    const snapshot = decodeSnapshotBytes(await readState(handle, pointer)) as EncodedKeyedState;
    const blobs = Array.isArray(snapshot?.keyGroups) ? snapshot.keyGroups : [];
    return { ...snapshot, keyGroups: blobs.map((blob) => ({ ...blob, verified: true })) };
  };
  const snapshots = await Promise.all(own.map(decode));
  const reused = await Promise.all(shared.map((s) => decode(s.handle)));
  reused.forEach((snapshot, i) => {
    snapshots.push({ ...snapshot, keyGroups: selectBlobs(snapshot, shared[i]!.blobs) });
  });
  return snapshots;
}

/** The blobs `indices` of a shared keyed-state envelope; an index it does not have is corruption. */
function selectBlobs(snapshot: EncodedKeyedState, indices: readonly number[]): KeyGroupStateHandle[] {
  const blobs = snapshot?.keyGroups;
  return indices.map((i) => {
    const blob = Array.isArray(blobs) ? blobs[i] : undefined;
    if (blob === undefined)
      throw new StateRestoreError(
        'corrupt',
        -1,
        `shared keyed state has no blob ${i} (it has ${blobs?.length ?? 0})`,
      );
    return blob;
  });
}

/** Decodes captured record batches (written by task-checkpointing.ts). */
const channelUnpackr = new Unpackr({ useRecords: true, moreTypes: true });
