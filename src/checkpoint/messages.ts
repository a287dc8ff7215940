/**
 * What subtasks send the checkpoint coordinator: an acknowledgement with their state handles and
 * metrics, or a decline. Everything here is plain data, because it crosses `postMessage` from a
 * worker thread to the main thread (inline handles carry a `Uint8Array`, which structured clone
 * copies, or the runtime may transfer its buffer).
 *
 * A task is one subtask of one job vertex (a chain of operators fused into one worker):
 * `{ vertexId, subtask }`. The operators of the chain are identified by their stable uids, the same
 * ids that key their state in checkpoints.
 */
import type { ErrorClassification } from '../errors.ts';
import type { DeclineReason } from './failure-reason.ts';
import type { OperatorSubtaskState } from './storage/state-handle.ts';

/** One subtask of one job vertex: the unit that acknowledges checkpoints. */
export interface TaskId {
  readonly vertexId: string;
  /** 0-based subtask index, below the vertex's parallelism. */
  readonly subtask: number;
}

/** A stable string for a task, `<vertexId>#<subtask>`, for maps and messages. */
export function taskKey(task: TaskId): string {
  return `${task.vertexId}#${task.subtask}`;
}

/** Whether `value` has the shape of a {@link TaskId} (messages cross threads: check, do not trust). */
export function isTaskId(value: unknown): value is TaskId {
  if (typeof value !== 'object' || value === null) return false;
  const { vertexId, subtask } = value as { vertexId?: unknown; subtask?: unknown };
  return typeof vertexId === 'string' && Number.isSafeInteger(subtask) && (subtask as number) >= 0;
}

/** The state one operator of the acknowledging subtask snapshotted. */
export interface OperatorSnapshot extends OperatorSubtaskState {
  readonly operatorUid: string;
}

/** Timings and size of one subtask's part of a checkpoint, as Flink reports them. */
export interface SubtaskCheckpointMetrics {
  /** Synchronous part of the snapshot (the task did nothing else meanwhile), ms. */
  readonly syncDurationMs: number;
  /** Asynchronous part (encoding, writing, fsync), ms. */
  readonly asyncDurationMs: number;
  /** From the first barrier to the last on all inputs (0 with one input or unaligned), ms. */
  readonly alignmentDurationMs: number;
  /** From the trigger to the first barrier reaching this subtask, ms. */
  readonly startDelayMs: number;
  /**
   * Bytes of state this subtask's snapshot refers to: what it wrote, plus (incremental
   * checkpoints) the whole files of earlier checkpoints it reuses blobs from.
   */
  readonly stateBytes: number;
  /** Bytes this subtask wrote for this checkpoint (Flink's checkpointed data size); default `stateBytes`. */
  readonly checkpointedBytes?: number;
  /**
   * Records the subtask's source had emitted in the current attempt when it took its part (0 or
   * absent without a source): where the checkpoint's source positions are, as a count.
   */
  readonly sourceRecords?: number;
}

/** A subtask completed its part of a checkpoint. */
export interface CheckpointAck {
  readonly checkpointId: number;
  readonly task: TaskId;
  /** One entry per operator of the chain that has state; stateless operators may be left out. */
  readonly operators: readonly OperatorSnapshot[];
  readonly metrics: SubtaskCheckpointMetrics;
}

/** A subtask could not take part in a checkpoint. */
export interface CheckpointDecline {
  readonly checkpointId: number;
  readonly task: TaskId;
  readonly reason: DeclineReason;
  /** What went wrong, in plain data (an `Error` does not keep its class across threads). */
  readonly error: {
    readonly message: string;
    /** The `code` of a WeirError, when it was one. */
    readonly code?: string;
    /** Its classification, when known. */
    readonly classification?: ErrorClassification;
  };
}

/** An `Error` rebuilt from a decline's plain data, naming the task (and its code, if it had one). */
export function declineCause(decline: CheckpointDecline): Error {
  const { message = 'no message', code } = decline.error ?? {};
  const extra = code === undefined ? { task: { ...decline.task } } : { task: { ...decline.task }, code };
  return Object.assign(new Error(`task ${taskKey(decline.task)} declined: ${message}`), extra);
}
