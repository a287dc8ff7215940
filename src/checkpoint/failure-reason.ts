/**
 * Why a checkpoint did not complete: a closed set of reasons, after Flink's
 * `CheckpointFailureReason`, each with the error code it carries and whether it counts against the
 * tolerable consecutive failures. Only failures that say something about the health of
 * checkpointing itself count (a task could not write its snapshot, the checkpoint took too long,
 * the metadata could not be written); aborts that are a consequence of something else (a newer
 * checkpoint completed, a task failed, the job is stopping) do not, because that something else is
 * handled on its own (the job restarts, or it is meant to stop).
 */
import type { ErrorClassification, WeirErrorCode } from '../errors.ts';

/** Why a subtask declined; maps to a checkpoint failure reason. */
export type DeclineReason =
  /** The snapshot itself failed (serializer, storage write, ...): counts as a failure. */
  | 'snapshot-failed'
  /** The task is not running yet (being deployed or restored). */
  | 'task-not-ready'
  /** The task is finishing or closing. */
  | 'task-closing'
  /** An upstream task cancelled this checkpoint's barrier. */
  | 'cancellation-barrier';

/** Every reason a checkpoint can fail or be aborted for. */
export const CHECKPOINT_FAILURE_REASONS = [
  'declined',
  'declined-task-not-ready',
  'declined-task-closing',
  'declined-on-cancellation-barrier',
  'expired',
  'storage-failed',
  'subsumed',
  'task-failure',
  'trigger-failed',
  'too-many-requests',
  'coordinator-suspended',
  'job-shutdown',
  'unsupported-by-stages',
] as const;

/** Why a checkpoint did not complete. */
export type CheckpointFailureReason = (typeof CHECKPOINT_FAILURE_REASONS)[number];

/** What a reason means for error codes and for the failure count. */
export interface FailureReasonInfo {
  /** Code of the {@link CheckpointFailedError} that reports it. */
  readonly code: Extract<
    WeirErrorCode,
    'ERR_CHECKPOINT_DECLINED' | 'ERR_CHECKPOINT_EXPIRED' | 'ERR_CHECKPOINT_STORAGE'
  >;
  /** Whether it counts against the tolerable consecutive checkpoint failures. */
  readonly countsAsFailure: boolean;
  /** Classification when the cause does not bring its own. */
  readonly classification: ErrorClassification;
  /** A short human description, used in error messages. */
  readonly description: string;
}

/**
 * The properties of each reason. `ERR_CHECKPOINT_DECLINED` is the coarse code of every abort that
 * is neither an expiry nor a storage failure; the `reason` carries the detail.
 */
export const FAILURE_REASONS: Readonly<Record<CheckpointFailureReason, FailureReasonInfo>> = {
  declined: {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: true,
    classification: 'external',
    description: 'a task declined it: its snapshot failed',
  },
  'declined-task-not-ready': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'a task declined it: the task was not running yet',
  },
  'declined-task-closing': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'a task declined it: the task was finishing or closing',
  },
  'declined-on-cancellation-barrier': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'a task declined it: an upstream task cancelled its barrier',
  },
  expired: {
    code: 'ERR_CHECKPOINT_EXPIRED',
    countsAsFailure: true,
    classification: 'external',
    description: 'it expired before every task acknowledged it',
  },
  'storage-failed': {
    code: 'ERR_CHECKPOINT_STORAGE',
    countsAsFailure: true,
    classification: 'external',
    description: 'its metadata could not be written to checkpoint storage',
  },
  subsumed: {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'a newer checkpoint completed first',
  },
  'task-failure': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'a task of the job failed',
  },
  'trigger-failed': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'the sources could not be triggered',
  },
  'too-many-requests': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'configuration',
    description: 'too many checkpoint requests were already queued',
  },
  'coordinator-suspended': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'the checkpoint coordinator was suspended (the job is restarting)',
  },
  'job-shutdown': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'internal',
    description: 'the job is shutting down',
  },
  'unsupported-by-stages': {
    code: 'ERR_CHECKPOINT_DECLINED',
    countsAsFailure: false,
    classification: 'configuration',
    description:
      'the batch job runs by stages over blocking exchanges, which no barrier crosses; ' +
      'set batchShuffleMode: "pipelined" (or periodic checkpoints) to checkpoint it',
  },
};

/** Whether `reason` counts against the tolerable consecutive checkpoint failures. */
export function countsAsFailure(reason: CheckpointFailureReason): boolean {
  return FAILURE_REASONS[reason].countsAsFailure;
}

/** The failure reason of each way a task can decline. */
export const DECLINE_FAILURE_REASONS: Readonly<Record<DeclineReason, CheckpointFailureReason>> = {
  'snapshot-failed': 'declined',
  'task-not-ready': 'declined-task-not-ready',
  'task-closing': 'declined-task-closing',
  'cancellation-barrier': 'declined-on-cancellation-barrier',
};
