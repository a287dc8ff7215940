/**
 * Turns a fully acknowledged checkpoint into its metadata: one entry per operator of the job (in
 * vertex order, stateless operators included so that a restore sees the whole job), each with one
 * entry per subtask holding the handles that subtask acknowledged.
 */

import type { ResolvedVertex } from './checkpoint-plan.ts';
import type { CheckpointingMode } from './config.ts';
import type { CheckpointAck } from './messages.ts';
import type { PendingCheckpoint } from './pending-checkpoint.ts';
import {
  type CheckpointMetadata,
  METADATA_VERSION,
  type OperatorStateEntry,
  type SubtaskStateEntry,
} from './storage/metadata.ts';
import { STATE_KINDS } from './storage/state-handle.ts';

/** What the metadata needs besides the acknowledgements. */
export interface MetadataContext {
  readonly jobId: string;
  readonly mode: CheckpointingMode;
  readonly vertices: readonly ResolvedVertex[];
  /** When the last acknowledgement arrived, ms since the epoch. */
  readonly completedAt: number;
}

/** The metadata of `pending`, which every task has acknowledged. */
export function buildMetadata(pending: PendingCheckpoint, context: MetadataContext): CheckpointMetadata {
  const byTask = new Map<string, CheckpointAck>();
  for (const ack of pending.acks()) byTask.set(`${ack.task.vertexId}#${ack.task.subtask}`, ack);
  const operators: OperatorStateEntry[] = [];
  for (const vertex of context.vertices) {
    for (const operatorUid of vertex.operatorUids) {
      const subtasks: SubtaskStateEntry[] = [];
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const ack = byTask.get(`${vertex.vertexId}#${subtask}`);
        const snapshot = ack?.operators.find((o) => o.operatorUid === operatorUid);
        const entry: { -readonly [K in keyof SubtaskStateEntry]: SubtaskStateEntry[K] } = { subtask };
        for (const kind of STATE_KINDS) {
          const handle = snapshot?.[kind];
          if (handle !== undefined) entry[kind] = handle;
        }
        if (snapshot?.keyedShared !== undefined && snapshot.keyedShared.length > 0)
          entry.keyedShared = snapshot.keyedShared;
        subtasks.push(entry);
      }
      operators.push({
        operatorUid,
        vertexId: vertex.vertexId,
        parallelism: vertex.parallelism,
        maxParallelism: vertex.maxParallelism,
        subtasks,
      });
    }
  }
  return {
    version: METADATA_VERSION,
    jobId: context.jobId,
    checkpointId: pending.checkpointId,
    timestamp: pending.timestamp,
    completedAt: context.completedAt,
    savepoint: pending.properties.savepoint,
    mode: context.mode,
    operators,
  };
}
