// Reads completed checkpoints back for tests: every operator's source splits and keyed state,
// decoded through the same code the runtime restores with.

import { Unpackr } from 'msgpackr';
import type { CompletedCheckpoint } from '../../src/checkpoint/storage/checkpoint-storage.ts';
import { listCheckpoints, loadCheckpoint, readState } from '../../src/checkpoint/storage/reader.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap/heap-keyed-state-backend.ts';
import type { StateDescriptor } from '../../src/state/state-descriptor.ts';
import type { ValueState } from '../../src/state/value-state.ts';
import { readKeyedState } from '../../src/task/checkpointing/restore-state.ts';
import { decodeSnapshotBytes } from '../../src/task/checkpointing/subtask-checkpointer.ts';

/** Every completed checkpoint in a filesystem checkpoint directory, oldest first, verified. */
export async function completedCheckpoints(dir: string): Promise<CompletedCheckpoint[]> {
  const { checkpoints } = await listCheckpoints(dir);
  return Promise.all(checkpoints.map((c) => loadCheckpoint(c.pointer)));
}

/** The splits each subtask of a source had left, flattened. */
export async function sourceSplits<S>(checkpoint: CompletedCheckpoint, uid: string): Promise<S[]> {
  const entry = checkpoint.metadata.operators.find((op) => op.operatorUid === uid);
  if (!entry) throw new Error(`checkpoint ${checkpoint.checkpointId} has no state for ${uid}`);
  const splits: S[] = [];
  for (const sub of entry.subtasks) {
    if (!sub.operator) continue;
    const state = decodeSnapshotBytes(await readState(sub.operator, checkpoint.pointer)) as { splits: S[] };
    splits.push(...state.splits);
  }
  return splits;
}

/** Every key's value of a value state of a keyed operator, over all subtasks. */
export async function keyedValues<T>(
  checkpoint: CompletedCheckpoint,
  uid: string,
  descriptor: StateDescriptor<ValueState<T, T>>,
): Promise<Map<string, T>> {
  const entry = checkpoint.metadata.operators.find((op) => op.operatorUid === uid);
  const values = new Map<string, T>();
  if (!entry) return values;
  const backend = new HeapKeyedStateBackend<string>({ maxParallelism: entry.maxParallelism });
  const groups = [];
  for (const sub of entry.subtasks) {
    if (!sub.keyed) continue;
    for (const encoded of await readKeyedState([sub.keyed], sub.keyedShared ?? [], checkpoint.pointer))
      groups.push(...encoded.keyGroups);
  }
  await backend.restore(groups);
  backend.applyToAllKeys(descriptor, (key, state) => values.set(key, state.value()));
  return values;
}

/** The in-flight records an unaligned checkpoint captured at an operator's inputs, over all subtasks. */
export async function channelRecords(checkpoint: CompletedCheckpoint, uid: string): Promise<unknown[]> {
  const entry = checkpoint.metadata.operators.find((op) => op.operatorUid === uid);
  const records: unknown[] = [];
  if (!entry) return records;
  for (const sub of entry.subtasks) {
    if (!sub.channel) continue;
    const state = decodeSnapshotBytes(await readState(sub.channel, checkpoint.pointer)) as {
      batches: Uint8Array[];
    };
    for (const batch of state.batches) records.push(...(channelUnpackr.unpack(batch) as unknown[]));
  }
  return records;
}

const channelUnpackr = new Unpackr({ useRecords: true, moreTypes: true });
