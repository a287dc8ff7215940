/**
 * The terminal view of a running job, shared by `weir run` and by programs that start jobs
 * themselves: progress, lifecycle changes, restores, checkpoints, and an end-of-job summary.
 */
import type { JobClient } from '../api/job-client.ts';
import { type DisplayTarget, formatBytes, formatCount, ProgressDisplay } from './progress-display.ts';

/** Collected results up to this many records are printed after the summary. */
const MAX_PRINTED_RECORDS = 20;

/**
 * Shows a running job on `out` until it ends: a progress line per second (in place on a
 * terminal), failures, restarts with the checkpoint restored, every completed checkpoint, and a
 * summary with the collected results (up to 20 records each).
 */
export function displayJob(client: JobClient, out: DisplayTarget = process.stdout): void {
  const display = new ProgressDisplay(out, client.sourceUids);
  // Records read when each checkpoint completed (approximately its position: a little after its
  // barriers), counted from the start of the job across restarts.
  const positions = new Map<number, number>();
  let base = 0;
  const stops = [
    client.onProgress((p) => display.update(p)),
    client.on('status', (from, to, cause) => {
      if (to === 'failing') display.message(`job failing: ${cause?.message ?? 'unknown cause'}`);
      else if (to === 'restarting') display.message('job restarting');
      else if (from === 'restarting' && to === 'running') display.message('job running again');
    }),
    client.on('restored', (checkpoint, attempt) => {
      base = checkpoint ? (positions.get(checkpoint.checkpointId) ?? 0) : 0;
      display.message(
        checkpoint
          ? `attempt ${attempt}: restored checkpoint ${checkpoint.checkpointId} (${checkpoint.pointer}), ` +
              `resuming after about ${formatCount(base)} records read`
          : `attempt ${attempt}: no completed checkpoint, starting from scratch`,
      );
      display.offset(base);
    }),
    client.on('checkpoint', (checkpoint) => {
      positions.set(checkpoint.checkpointId, base + display.sourceRecords(client.progress().operators));
      const latest = client.checkpointStats().latestCompleted;
      const duration =
        latest?.checkpointId === checkpoint.checkpointId ? ` in ${latest.durationMs.toFixed(0)} ms` : '';
      display.message(
        `${checkpoint.savepoint ? 'savepoint' : 'checkpoint'} ${checkpoint.checkpointId} completed${duration}, ` +
          `${formatBytes(checkpoint.stateBytes)}, ${checkpoint.pointer}`,
      );
    }),
  ];
  const stopAll = (): void => {
    for (const stop of stops) stop();
  };
  client.result.then(
    (result) => {
      stopAll();
      display.summary(`job "${client.jobName}" finished`, {
        ...client.progress(),
        elapsedMs: result.durationMs,
      });
      for (const uid of result.collections) {
        const records = result.collected(uid);
        display.message(`collected "${uid}": ${records.length} record${records.length === 1 ? '' : 's'}`);
        if (records.length <= MAX_PRINTED_RECORDS)
          for (const r of records) display.message(`  ${JSON.stringify(r)}`);
      }
    },
    () => {
      stopAll();
      display.summary(`job "${client.jobName}" stopped`, client.progress());
    },
  );
}
