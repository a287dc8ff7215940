/**
 * `weir run --json`: the job's events for scripts, one JSON object per line on standard output,
 * each with an `event` field (`started`, `progress` once a second, `status`, `checkpoint`,
 * `failure`, `restored`, `recovered`, `dashboard`, and `finished`, `failed` or `cancelled` at the
 * end). Fields are listed in `docs/dashboard.md`; nothing else is printed on standard output.
 */
import type { JobClient } from '../api/job-client.ts';
import type { DisplayTarget } from './progress-display.ts';

/** One line: `{"event": ..., "job": ..., ...fields}`. */
export function jsonLine(out: DisplayTarget, event: string, fields: object): void {
  out.write(`${JSON.stringify({ event, time: new Date().toISOString(), ...fields })}\n`);
}

/** Writes `client`'s events to `out` as JSON lines until it ends. */
export function emitJsonEvents(client: JobClient, out: DisplayTarget): void {
  const job = { job: client.jobName, jobId: client.jobId };
  const line = (event: string, fields: object = {}): void => jsonLine(out, event, { ...job, ...fields });
  let lastProgress = Number.NEGATIVE_INFINITY;
  line('started', { plan: client.plan() });
  const stops = [
    client.onProgress((p) => {
      if (p.elapsedMs - lastProgress < 1000) return;
      lastProgress = p.elapsedMs;
      line('progress', p);
    }),
    client.on('status', (from, to, cause) =>
      line('status', { from, to, ...(cause ? { cause: errorOf(cause) } : {}) }),
    ),
    client.on('checkpoint', (checkpoint) => {
      const record = client.checkpointStats().history.find((r) => r.checkpointId === checkpoint.checkpointId);
      line('checkpoint', {
        checkpointId: checkpoint.checkpointId,
        savepoint: checkpoint.savepoint,
        pointer: checkpoint.pointer,
        stateBytes: checkpoint.stateBytes,
        ...(record ? { durationMs: record.durationMs, checkpointedBytes: record.checkpointedBytes } : {}),
      });
    }),
    client.on('failure', (f) =>
      line('failure', {
        attempt: f.attempt,
        operator: f.operator ?? null,
        subtask: f.subtask ?? null,
        error: errorOf(f.error),
        restart: f.restart ?? null,
      }),
    ),
    client.on('restored', (checkpoint, attempt) =>
      line('restored', {
        attempt,
        checkpoint: checkpoint
          ? { checkpointId: checkpoint.checkpointId, pointer: checkpoint.pointer }
          : null,
      }),
    ),
    client.on('recovered', (r) =>
      line('recovered', { attempt: r.attempt, restoreMs: r.restoreMs, downtimeMs: r.downtimeMs ?? null }),
    ),
  ];
  const end = (event: string, fields: object): void => {
    for (const stop of stops) stop();
    line(event, { ...fields, progress: client.progress(), checkpoints: client.checkpointStats().counts });
  };
  client.result.then(
    (result) => end('finished', { durationMs: result.durationMs, attempts: result.attempts }),
    (error: unknown) =>
      end(client.status === 'cancelled' ? 'cancelled' : 'failed', { error: errorOf(error as Error) }),
  );
}

function errorOf(error: Error): object {
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}
