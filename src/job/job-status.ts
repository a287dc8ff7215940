/**
 * The statuses of a job and, in one table, the legal moves between them (the subset of Flink's
 * `JobStatus` weir needs). The {@link JobLifecycle} enforces the table; everything else reads it.
 *
 * Paths through the table:
 * - success: created → running → finished;
 * - failure: running → failing → restarting → running (again), or failing → failed;
 * - cancel: running | failing | restarting → cancelling → cancelled (restarting → cancelled directly
 *   during the back-off, when nothing is deployed; created → cancelled before deployment).
 */

/** Where a job is in its life. */
export type JobStatus =
  /** Submitted and validated; nothing deployed yet. */
  | 'created'
  /** Subtasks are deployed (or being deployed) and processing. */
  | 'running'
  /** A failure happened; the remaining subtasks are being cancelled before deciding what next. */
  | 'failing'
  /** Everything is cancelled and the restart strategy allowed a restart: waiting out the back-off, then redeploying. */
  | 'restarting'
  /** Every source ended and every subtask drained (terminal). */
  | 'finished'
  /** Failed for good: not restartable, or restarts exhausted (terminal). */
  | 'failed'
  /** A user asked to cancel; subtasks are being cancelled. */
  | 'cancelling'
  /** Cancelled on request (terminal). */
  | 'cancelled';

/** Every legal transition. A status with no targets is terminal. */
export const JOB_STATUS_TRANSITIONS: { readonly [From in JobStatus]: readonly JobStatus[] } = {
  created: [
    'running', // deployment starts
    'failed', // could not be deployed (invalid graph, no checkpoint to resume from, ...)
    'cancelled', // cancelled before anything was deployed
  ],
  running: [
    'finished', // all input consumed
    'failing', // a subtask failed, a worker exited, too many checkpoint failures
    'cancelling', // cancel requested
  ],
  failing: [
    'restarting', // everything cancelled; the strategy allows a restart
    'failed', // everything cancelled; not restartable or restarts exhausted
    'cancelling', // cancel requested while failing: cancelling wins over restarting
  ],
  restarting: [
    'running', // back-off over, redeployed from the latest checkpoint
    'failing', // redeployment or restore failed
    'cancelling', // cancel requested while redeploying
    'cancelled', // cancel requested during the back-off, with nothing deployed
  ],
  cancelling: ['cancelled'],
  finished: [],
  failed: [],
  cancelled: [],
};

/** Every status, in declaration order. */
export const JOB_STATUSES = Object.keys(JOB_STATUS_TRANSITIONS) as readonly JobStatus[];

/** Whether the table allows `from → to`. */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_STATUS_TRANSITIONS[from].includes(to);
}

/** Whether `status` is final: `finished`, `failed` or `cancelled`. */
export function isTerminalStatus(status: JobStatus): boolean {
  return JOB_STATUS_TRANSITIONS[status].length === 0;
}
