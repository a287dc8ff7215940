/**
 * The errors the main-thread runtime raises itself: a worker thread that died, a job cancelled
 * before it finished, and a checkpoint whose state does not fit the job it should restore.
 */
import { WeirError } from '../errors.ts';

/** A worker thread died (crash, `process.exit`, resource limits) instead of failing cleanly. */
export class WorkerExitedError extends WeirError {
  constructor(subtask: string, cause: unknown) {
    super(
      'ERR_WORKER_EXITED',
      'internal',
      `the worker thread of subtask ${subtask} exited unexpectedly: ${String((cause as Error)?.message ?? cause)}`,
      { cause },
    );
  }
}

/** The job was cancelled before it finished. */
export class JobCancelledError extends WeirError {
  constructor(job: string) {
    super('ERR_JOB_CANCELLED', 'external', `job "${job}" was cancelled`);
  }
}

/** The checkpoint holds state the job cannot take. */
export class StateMappingError extends WeirError {
  constructor(message: string) {
    super('ERR_STATE_RESTORE', 'configuration', message);
  }
}
