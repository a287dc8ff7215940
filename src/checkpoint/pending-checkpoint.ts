/**
 * One checkpoint in progress (Flink's `PendingCheckpoint`): which tasks must still acknowledge,
 * the acknowledgements so far, and how it ends. Its lifecycle is a small state machine:
 *
 * ```
 * collecting ──(last ack)──▶ finalizing ──(metadata committed)──▶ completed
 *      │                         │
 *      └──(decline, expiry, …)──▶ aborted ◀──(commit failed, or an abort arrived meanwhile)
 * ```
 *
 * While finalizing, the metadata is being written; an abort that arrives then cannot stop the
 * write, so it is recorded ({@link PendingCheckpoint.abortRequest}) and the coordinator discards
 * the checkpoint once the write ends. Every ending resolves {@link PendingCheckpoint.outcome}, a
 * promise that never rejects. Acknowledging never throws: the result says what happened.
 *
 * Thread: the main thread (owned by the coordinator).
 */
import { WeirError } from '../errors.ts';
import { CheckpointFailedError } from './errors.ts';
import type { CheckpointFailureReason } from './failure-reason.ts';
import { type CheckpointAck, type TaskId, taskKey } from './messages.ts';
import type { CompletedCheckpoint } from './storage/checkpoint-storage.ts';
import { handlesOf, ownerOf } from './storage/state-handle.ts';

/** What became of an acknowledgement (Flink's `TaskAcknowledgeResult`). */
export type AcknowledgeResult =
  /** Taken: the first ack from a task that had to acknowledge. */
  | 'success'
  /** The task had already acknowledged this checkpoint. */
  | 'duplicate'
  /** Not from a task of this checkpoint, or for a checkpoint the coordinator does not know. */
  | 'unknown'
  /** The checkpoint has ended (or is being committed); the ack's state is not used. */
  | 'discarded';

/** How a checkpoint ended. */
export type CheckpointOutcome =
  | { readonly status: 'completed'; readonly checkpoint: CompletedCheckpoint }
  | {
      readonly status: 'failed';
      readonly reason: CheckpointFailureReason;
      readonly error: CheckpointFailedError;
    };

/** Where a pending checkpoint is in its lifecycle. */
export type PendingCheckpointStatus = 'collecting' | 'finalizing' | 'completed' | 'aborted';

/** The legal transitions, in one place. */
export const PENDING_CHECKPOINT_TRANSITIONS: Readonly<
  Record<PendingCheckpointStatus, readonly PendingCheckpointStatus[]>
> = {
  collecting: ['finalizing', 'aborted'],
  finalizing: ['completed', 'aborted'],
  completed: [],
  aborted: [],
};

/** What kind of checkpoint it is. */
export interface CheckpointProperties {
  readonly savepoint: boolean;
  /** Savepoints only: where to write it. */
  readonly targetDir?: string;
}

/** An abort recorded while the metadata was being written. */
export interface AbortRequest {
  readonly reason: CheckpointFailureReason;
  readonly error: CheckpointFailedError;
}

/** A checkpoint that has been triggered and has not ended. */
export class PendingCheckpoint {
  /** The checkpoint's id. */
  readonly checkpointId: number;
  /** Trigger time, ms since the epoch (goes into barriers and metadata). */
  readonly timestamp: number;
  /** Trigger time on the coordinator's clock (for durations and the decider). */
  readonly triggeredAt: number;
  readonly properties: CheckpointProperties;
  /** Resolves when the checkpoint ends; never rejects. */
  readonly outcome: Promise<CheckpointOutcome>;

  #status: PendingCheckpointStatus = 'collecting';
  readonly #awaiting: Set<string>;
  readonly #total: number;
  readonly #acks = new Map<string, CheckpointAck>();
  #abortRequest: AbortRequest | undefined;
  #resolve!: (outcome: CheckpointOutcome) => void;

  constructor(
    checkpointId: number,
    timestamp: number,
    triggeredAt: number,
    tasks: Iterable<TaskId>,
    properties: CheckpointProperties,
  ) {
    this.checkpointId = checkpointId;
    this.timestamp = timestamp;
    this.triggeredAt = triggeredAt;
    this.properties = properties;
    this.#awaiting = new Set([...tasks].map(taskKey));
    this.#total = this.#awaiting.size;
    this.outcome = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get status(): PendingCheckpointStatus {
    return this.#status;
  }

  /** Tasks that must acknowledge, in all. */
  get totalTasks(): number {
    return this.#total;
  }

  /** Tasks that have acknowledged. */
  get acknowledgedTasks(): number {
    return this.#acks.size;
  }

  /** Whether every task has acknowledged. */
  get isFullyAcknowledged(): boolean {
    return this.#awaiting.size === 0;
  }

  /** The acknowledgements so far. */
  acks(): IterableIterator<CheckpointAck> {
    return this.#acks.values();
  }

  /** The abort that arrived while finalizing, if any. */
  get abortRequest(): AbortRequest | undefined {
    return this.#abortRequest;
  }

  /** Takes a task's acknowledgement. */
  acknowledge(ack: CheckpointAck): AcknowledgeResult {
    if (ack.checkpointId !== this.checkpointId) return 'unknown';
    if (this.#status !== 'collecting') return 'discarded';
    const key = taskKey(ack.task);
    if (this.#acks.has(key)) return 'duplicate';
    if (!this.#awaiting.delete(key)) return 'unknown';
    this.#acks.set(key, ack);
    return 'success';
  }

  /** Keys (`<vertexId>#<subtask>`) of the tasks that have not acknowledged yet. */
  awaitingTasks(): string[] {
    return [...this.#awaiting];
  }

  /** Whether `task` is one that must acknowledge this checkpoint. */
  involves(task: TaskId): boolean {
    const key = taskKey(task);
    return this.#awaiting.has(key) || this.#acks.has(key);
  }

  /**
   * Ids of the checkpoints whose files the acknowledgements so far reference (this one's own id
   * included); retention must not delete them while this checkpoint is pending.
   */
  referencedCheckpoints(): Set<number> {
    const ids = new Set<number>();
    for (const ack of this.#acks.values())
      for (const op of ack.operators)
        for (const [, h] of handlesOf(op)) ids.add(ownerOf(h, this.checkpointId));
    return ids;
  }

  /** Moves to `finalizing` once every task has acknowledged; false otherwise. */
  startFinalizing(): boolean {
    if (this.#status !== 'collecting' || !this.isFullyAcknowledged) return false;
    this.#transition('finalizing');
    return true;
  }

  /** Ends the checkpoint as completed (from `finalizing`, after the metadata was committed). */
  complete(checkpoint: CompletedCheckpoint): void {
    this.#transition('completed');
    this.#resolve({ status: 'completed', checkpoint });
  }

  /**
   * Aborts the checkpoint. While collecting it ends at once (`aborted`); while finalizing the abort
   * is recorded and takes effect when the write ends (`deferred`); after the end nothing happens.
   */
  abort(reason: CheckpointFailureReason, error: CheckpointFailedError): 'aborted' | 'deferred' | 'ended' {
    if (this.#status === 'finalizing') {
      this.#abortRequest ??= { reason, error };
      return 'deferred';
    }
    if (this.#status !== 'collecting') return 'ended';
    this.#end(reason, error);
    return 'aborted';
  }

  /**
   * Ends a finalizing checkpoint as failed (the commit failed, or a deferred abort applies); from
   * any other state this is an illegal transition.
   */
  failFinalization(reason: CheckpointFailureReason, error: CheckpointFailedError): void {
    if (this.#status !== 'finalizing')
      throw illegal(this.checkpointId, this.#status, 'aborted (failed commit)');
    this.#end(reason, error);
  }

  #end(reason: CheckpointFailureReason, error: CheckpointFailedError): void {
    this.#transition('aborted');
    this.#acks.clear();
    this.#resolve({ status: 'failed', reason, error });
  }

  #transition(to: PendingCheckpointStatus): void {
    if (!PENDING_CHECKPOINT_TRANSITIONS[this.#status].includes(to))
      throw illegal(this.checkpointId, this.#status, to);
    this.#status = to;
  }
}

/** The outcome of a request refused before it became a checkpoint (no id). */
export function failedOutcome(reason: CheckpointFailureReason, cause?: unknown): CheckpointOutcome {
  const error = new CheckpointFailedError(undefined, reason, cause === undefined ? {} : { cause });
  return { status: 'failed', reason, error };
}

function illegal(checkpointId: number, from: PendingCheckpointStatus, to: string): WeirError {
  return new WeirError(
    'ERR_ILLEGAL_STATE_TRANSITION',
    'internal',
    `pending checkpoint ${checkpointId} cannot go from ${from} to ${to}`,
  );
}
