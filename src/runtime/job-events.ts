/**
 * The plain-data records of a job's failures and recoveries that the job master reports (its
 * `JobEvents`), built here from what an attempt reports, so that the job master emits each from
 * one place.
 *
 * Thread: the main thread.
 */
import type { CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { JobStatus } from '../job/job-status.ts';
import type { JobProgress } from './job-progress.ts';

/** Events of a job, for progress displays and tests. */
export interface JobEvents {
  onProgress(progress: JobProgress): void;
  onStatus(from: JobStatus, to: JobStatus, cause: Error | undefined): void;
  onCheckpointCompleted(checkpoint: CompletedCheckpoint): void;
  /** An attempt is about to restore `checkpoint` (restarts, and a resumed job's first attempt). */
  onRestored(checkpoint: CompletedCheckpoint | undefined, attempt: number): void;
  /** The restore `onRestored` announced is complete and records flow again. */
  onRecovered(recovery: JobRecovery): void;
  /** An attempt failed; the record says whether and when the job restarts. */
  onFailure(failure: JobFailure): void;
}

/** One failure of a job and what follows it. */
export interface JobFailure {
  /** Why the attempt failed (a typed `WeirError` where weir knows the kind). */
  readonly error: Error;
  /** The attempt that failed: 1 for the first deployment, +1 per restart. */
  readonly attempt: number;
  /** The operator the failure came from, when one subtask reported it (not for checkpoint failures). */
  readonly operator: { readonly name: string; readonly uid: string } | undefined;
  /** That subtask's index, when known. */
  readonly subtask: number | undefined;
  /**
   * The restart that follows: after `delayMs`, as attempt `attempt`. Undefined when the job fails
   * for good (no restart strategy, restarts exhausted, an error that is not restarted).
   */
  readonly restart: { readonly delayMs: number; readonly attempt: number } | undefined;
}

/** A restore is complete: every subtask has read and checked its state, and records flow again. */
export interface JobRecovery {
  /** The attempt that restored. */
  readonly attempt: number;
  /** The checkpoint or savepoint restored; undefined when a restart found none and started from scratch. */
  readonly checkpoint: CompletedCheckpoint | undefined;
  /** From deploying the attempt until every subtask was running with its state restored, ms. */
  readonly restoreMs: number;
  /** From the failure (undefined for a resumed job's first attempt) until then, ms. */
  readonly downtimeMs: number | undefined;
}

/** Where in the job graph an attempt's failure was reported from. */
export interface FailureSource {
  readonly vertex: JobVertex;
  readonly subtask: number;
}

/**
 * The failure record of `error`: a user function's error names its own operator; any other error
 * reported by a subtask is put on the chain's head operator.
 */
export function describeFailure(
  error: Error,
  attempt: number,
  source: FailureSource | undefined,
  restart: JobFailure['restart'],
): JobFailure {
  const named = error as { operatorName?: unknown; operatorUid?: unknown; subtaskIndex?: unknown };
  if (typeof named.operatorUid === 'string' && typeof named.operatorName === 'string') {
    const subtask = typeof named.subtaskIndex === 'number' ? named.subtaskIndex : source?.subtask;
    return {
      error,
      attempt,
      operator: { name: named.operatorName, uid: named.operatorUid },
      subtask,
      restart,
    };
  }
  const head = source?.vertex.nodes[0];
  return {
    error,
    attempt,
    operator: head === undefined ? undefined : { name: source!.vertex.name, uid: head.resolvedUid },
    subtask: source?.subtask,
    restart,
  };
}
