/**
 * How the checkpoint coordinator reaches the running job. The runtime implements this interface
 * over its control plane (MessagePort messages to the subtasks' workers); tests implement it with
 * a recorder. The coordinator calls it on the main thread, synchronously, and never awaits it:
 * implementations post messages and return. They must not throw; if one does, the coordinator stays
 * consistent (a failed trigger aborts the checkpoint as `trigger-failed`; a failed notification is
 * reported through {@link CheckpointGateway.failJob} as an internal error).
 *
 * Acks and declines come back the other way: the runtime calls the coordinator's `acknowledge`
 * and `decline` with the messages the subtasks sent (see `messages.ts`).
 */
import type { WeirError } from '../errors.ts';
import type { CheckpointingMode } from './config.ts';
import type { CheckpointFailureReason } from './failure-reason.ts';

/** How a checkpoint is to be taken; sources put it into the barrier they emit. */
export interface TriggerOptions {
  readonly savepoint: boolean;
  /** Unaligned barriers (never for savepoints, which are always aligned). */
  readonly unaligned: boolean;
  readonly mode: CheckpointingMode;
}

/** The coordinator's view of the job's tasks. */
export interface CheckpointGateway {
  /**
   * Starts checkpoint `checkpointId`: every source subtask snapshots its position and emits a
   * barrier `{ checkpointId, timestamp, savepoint, unaligned }` into every output channel.
   * `timestamp` is ms since the epoch.
   */
  triggerSources(checkpointId: number, timestamp: number, options: TriggerOptions): void;

  /**
   * Checkpoint `checkpointId` is complete and its metadata committed: every subtask may now commit
   * what it pre-committed for it (two-phase-commit sinks) and forget older checkpoints.
   */
  notifyComplete(checkpointId: number): void;

  /**
   * Checkpoint `checkpointId` will never complete: subtasks drop its partial state, and tasks still
   * aligning on its barrier stop waiting for it.
   */
  notifyAborted(checkpointId: number, reason: CheckpointFailureReason): void;

  /** Checkpointing has failed more often than tolerated (or broke internally): fail the job. */
  failJob(error: WeirError): void;
}
