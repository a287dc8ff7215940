/**
 * The lines the terminal view prints for a job's failures, restores and recoveries: plain
 * functions of the event records, so that `weir run` and `npm start` say the same thing.
 */
import type { CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage.ts';
import type { JobFailure, JobRecovery } from '../runtime/job-events.ts';
import { formatDuration } from './progress-display.ts';

/**
 * A failure: the attempt, the operator and subtask, the cause's own message in full (a user
 * function's error is shown apart from the record it failed on), and the restart that follows.
 */
export function failureLines(failure: JobFailure): string[] {
  const { error, operator, subtask } = failure;
  const where =
    operator === undefined
      ? ''
      : ` in operator "${operator.name}" (uid ${operator.uid}${subtask === undefined ? '' : `, subtask ${subtask}`})`;
  const record = (error as { record?: unknown }).record;
  const cause = typeof record === 'string' && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown }).code;
  const lines = [
    `attempt ${failure.attempt} failed${where}: ${cause.name}: ${cause.message}${typeof code === 'string' ? ` [${code}]` : ''}`,
  ];
  if (typeof record === 'string') lines.push(`  on record ${record}`);
  lines.push(
    failure.restart === undefined
      ? '  not restarted: the job fails'
      : `  restarting in ${formatDuration(failure.restart.delayMs)} as attempt ${failure.restart.attempt}`,
  );
  return lines;
}

/** An attempt starts from `checkpoint`; `recordsRead` is its position when known. */
export function restoredLine(
  checkpoint: CompletedCheckpoint | undefined,
  attempt: number,
  recordsRead: number | undefined,
): string {
  if (checkpoint === undefined) return `attempt ${attempt}: no completed checkpoint, starting from scratch`;
  const kind = checkpoint.savepoint ? 'savepoint' : 'checkpoint';
  const verb = attempt === 1 ? 'resuming from' : 'restoring';
  const position =
    recordsRead === undefined ? '' : `, ${recordsRead.toLocaleString('en-US')} records read before it`;
  return `attempt ${attempt}: ${verb} ${kind} ${checkpoint.checkpointId} (${checkpoint.pointer})${position}`;
}

/** The restore is complete and records flow again. */
export function recoveredLine(recovery: JobRecovery): string {
  const downtime =
    recovery.downtimeMs === undefined ? '' : `, ${formatDuration(recovery.downtimeMs)} after the failure`;
  return `attempt ${recovery.attempt}: restore complete in ${formatDuration(recovery.restoreMs)}${downtime}; records flow again`;
}
