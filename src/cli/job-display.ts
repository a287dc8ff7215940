/**
 * The terminal view of a running job, shared by `weir run` and by programs that start jobs
 * themselves: progress, lifecycle changes, restores, checkpoints, and an end-of-job summary.
 */
import type { JobClient } from '../api/job-client.ts';
import { failureLines, recoveredLine, restoredLine } from './job-event-lines.ts';
import { type DisplayTarget, formatBytes, ProgressDisplay } from './progress-display.ts';

/** Collected results up to this many records are printed after the summary. */
const MAX_PRINTED_RECORDS = 20;

/**
 * Shows a running job on `out` until it ends: a progress line per second (in place on a
 * terminal), every failure with the restart that follows, the checkpoint each attempt restores and
 * when its restore is complete, every completed checkpoint, and a summary with the collected
 * results (up to 20 records each).
 */
export function displayJob(client: JobClient, out: DisplayTarget = process.stdout): void {
  const sinkUids = client
    .plan()
    .vertices.flatMap((v) => v.operators.filter((o) => o.role === 'sink').map((o) => o.uid));
  const display = new ProgressDisplay(out, client.sourceUids, sinkUids);
  // Records read before each completed checkpoint (its sources' positions, counted from the start
  // of the job across restarts): a restart resumes from there, so the counts add up.
  const positions = new Map<number, number>();
  let base = 0;
  const stops = [
    client.onProgress((p) => display.update(p)),
    client.on('failure', (failure) => {
      for (const line of failureLines(failure)) display.message(line);
    }),
    client.on('restored', (checkpoint, attempt) => {
      const position = checkpoint ? positions.get(checkpoint.checkpointId) : 0;
      display.message(restoredLine(checkpoint, attempt, position));
      base = position ?? 0;
      display.offset(base);
    }),
    client.on('recovered', (recovery) => display.message(recoveredLine(recovery))),
    client.on('checkpoint', (checkpoint) => {
      const stats = client.checkpointStats();
      const record = [stats.latestCompleted, ...stats.history].find(
        (r) => r?.checkpointId === checkpoint.checkpointId,
      );
      if (record !== undefined) positions.set(checkpoint.checkpointId, base + record.sourceRecords);
      display.checkpoint(checkpoint.checkpointId);
      const duration = record === undefined ? '' : ` in ${record.durationMs.toFixed(0)} ms`;
      const size =
        record === undefined || record.checkpointedBytes === checkpoint.stateBytes
          ? formatBytes(checkpoint.stateBytes)
          : `${formatBytes(record.checkpointedBytes)} written, ${formatBytes(checkpoint.stateBytes)} referenced`;
      display.message(
        `${checkpoint.savepoint ? 'savepoint' : 'checkpoint'} ${checkpoint.checkpointId} completed${duration}, ` +
          `${size}, ${checkpoint.pointer}`,
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
