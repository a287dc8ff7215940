// The dashboard's REST API and Prometheus /metrics report what the job's own statistics say (equal
// counts, not just present) across checkpoints, an injected failure and its restart; the server
// binds the loopback address by default and goes away with the job, leaving no handle.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { type JobClient, startJob } from '../../../src/index.ts';
import { completedCheckpoints, nextEvent, noServerHandles } from '../../support/job-events.ts';
import type { DashboardJobArgs } from './dashboard.job.ts';

const job = new URL('./dashboard.job.ts', import.meta.url);

async function get<T = Record<string, unknown>>(client: JobClient, path: string): Promise<T> {
  const response = await fetch(new URL(path, client.dashboard!.url));
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** `/metrics` parsed: the value of `name` for the samples whose labels include `labels`, summed. */
async function scrape(client: JobClient): Promise<(name: string, labels?: Record<string, string>) => number> {
  const response = await fetch(new URL('/metrics', client.dashboard!.url));
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const families = parsePrometheusTextFormat(await response.text());
  return (name, labels = {}) => {
    const family = families.find((f) => f.name === name);
    if (family === undefined) throw new Error(`no metric ${name}`);
    const samples = family.metrics.filter((m) =>
      Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
    );
    if (samples.length === 0) throw new Error(`no sample of ${name} with ${JSON.stringify(labels)}`);
    return samples.reduce((sum, m) => sum + Number(m.value), 0);
  };
}

describe('dashboard REST API and /metrics', () => {
  it('equal the job statistics after checkpoints, a failure and a restart', async () => {
    const fail = new SharedArrayBuffer(4);
    const client = await startJob<DashboardJobArgs>(job, {
      args: { ratePerSecond: 4000, fail },
      environment: {
        parallelism: 2,
        checkpointing: { intervalMs: 100 },
        restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 50 },
      },
      dashboard: { keepAlive: true },
    });
    const url = new URL(client.dashboard!.url);
    expect(url.hostname).toBe('127.0.0.1');
    await completedCheckpoints(client, 2);
    const restored = nextEvent(client, 'restored');
    Atomics.store(new Int32Array(fail), 0, 1);
    const [checkpoint] = await restored;
    await nextEvent(client, 'recovered');
    await completedCheckpoints(client, client.checkpointStats().counts.completed + 1);
    await client.cancel();
    // Ended: every number below is final, so the views must equal the job's own.
    const stats = client.checkpointStats();
    const plan = client.plan();
    const subtasks = client.subtaskMetrics();

    const details = await get<{
      jid: string;
      state: string;
      restarts: number;
      vertices: {
        id: string;
        parallelism: number;
        metrics: {
          numRecordsIn: number;
          numRecordsOut: number;
          numBytesIn: number;
          numBytesOut: number;
          currentInputWatermark?: number;
          currentOutputWatermark?: number;
        };
      }[];
    }>(client, `/jobs/${client.jobId}`);
    expect(details).toMatchObject({ jid: client.jobId, state: 'cancelled', restarts: 1 });
    expect(details.vertices.map((v) => v.id)).toEqual(plan.vertices.map((v) => v.id));
    for (const vertex of details.vertices) {
      const own = subtasks.filter((s) => s.vertexId === vertex.id);
      const isSource = vertex.id === 'numbers';
      const recordsIn = own.reduce((n, s) => n + (isSource ? 0 : (s.counters.recordsIn[0] ?? 0)), 0);
      const recordsOut = own.reduce((n, s) => n + s.counters.recordsOut, 0);
      expect(vertex.metrics.numRecordsIn, vertex.id).toBe(recordsIn);
      expect(vertex.metrics.numRecordsOut, vertex.id).toBe(recordsOut);
      expect(vertex.metrics.numBytesIn, vertex.id).toBe(
        own.reduce((n, s) => n + (s.counters.bytesIn ?? 0), 0),
      );
      expect(vertex.metrics.numBytesOut, vertex.id).toBe(
        own.reduce((n, s) => n + (s.counters.bytesOut ?? 0), 0),
      );
      // A vertex's watermark is its slowest subtask's (event time n for record n).
      const lowest = (pick: (w: { input?: number; output?: number }) => number | undefined) =>
        Math.min(...own.map((s) => pick(s.counters.watermarks ?? {}) ?? Number.NaN));
      if (isSource) expect(vertex.metrics.currentOutputWatermark).toBe(lowest((w) => w.output));
      else expect(vertex.metrics.currentInputWatermark, vertex.id).toBe(lowest((w) => w.input));
    }
    // Bytes crossed both exchanges; the count saw watermarks (its inputs' minimum, > 0).
    const totals = details.vertices.find((v) => v.id === 'totals')!.metrics;
    expect(totals.numBytesIn).toBeGreaterThan(0);
    expect(details.vertices.find((v) => v.id === 'numbers')!.metrics.numBytesOut).toBeGreaterThan(0);
    expect(totals.currentInputWatermark).toBeGreaterThan(0);
    expect(details.vertices.find((v) => v.id === 'totals')!.metrics.numRecordsIn).toBeGreaterThan(0);

    const vertex = await get<{ subtasks: { subtask: number; metrics: { busyTimeMsPerSecond: number } }[] }>(
      client,
      `/jobs/${client.jobId}/vertices/totals`,
    );
    expect(vertex.subtasks.map((s) => s.subtask)).toEqual([0, 1]);
    for (const s of vertex.subtasks) expect(s.metrics.busyTimeMsPerSecond).toBeLessThanOrEqual(1000);

    const checkpoints = await get<{
      counts: Record<string, number>;
      latest: { completed: { checkpointId: number }; restored: { id: number } };
      history: { checkpointId: number }[];
    }>(client, `/jobs/${client.jobId}/checkpoints`);
    expect(checkpoints.counts).toMatchObject({ ...stats.counts, restored: 1 });
    expect(checkpoints.latest.completed.checkpointId).toBe(stats.latestCompleted!.checkpointId);
    expect(checkpoints.latest.restored.id).toBe(checkpoint!.checkpointId);
    expect(checkpoints.history.length).toBeGreaterThanOrEqual(stats.history.length);

    const exceptions = await get<{ exceptionHistory: { entries: Record<string, unknown>[] } }>(
      client,
      `/jobs/${client.jobId}/exceptions`,
    );
    expect(exceptions.exceptionHistory.entries).toHaveLength(1);
    expect(exceptions.exceptionHistory.entries[0]).toMatchObject({
      attempt: 1,
      exceptionName: 'UserFunctionError',
      code: 'ERR_USER_FUNCTION',
      operator: { uid: 'enrich' },
      restart: { delayMs: 50, attempt: 2 },
      restored: { checkpointId: checkpoint!.checkpointId },
    });
    expect(exceptions.exceptionHistory.entries[0]!['stacktrace']).toMatch(
      /Caused by: Error: injected failure/,
    );

    const config = await get(client, `/jobs/${client.jobId}/config`);
    expect(config).toMatchObject({
      'execution-config': {
        environment: { parallelism: 2 },
        checkpointing: { intervalMs: 100, mode: 'exactly-once' },
        restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 50 },
      },
    });

    const metric = await scrape(client);
    const ids = { job_id: client.jobId };
    expect(metric('weir_job_numberOfCompletedCheckpoints', ids)).toBe(stats.counts.completed);
    expect(metric('weir_job_numberOfFailedCheckpoints', ids)).toBe(stats.counts.failed);
    expect(metric('weir_job_totalNumberOfCheckpoints', ids)).toBe(stats.counts.triggered);
    expect(metric('weir_job_numRestarts', ids)).toBe(1);
    expect(metric('weir_job_lastCheckpointDuration', ids)).toBeCloseTo(stats.latestCompleted!.durationMs, 6);
    expect(metric('weir_job_lastCheckpointSize', ids)).toBe(stats.latestCompleted!.checkpointedBytes);
    for (const v of details.vertices) {
      expect(metric('weir_task_numRecordsIn', { ...ids, vertex: v.id })).toBe(v.metrics.numRecordsIn);
      expect(metric('weir_task_numRecordsOut', { ...ids, vertex: v.id })).toBe(v.metrics.numRecordsOut);
      expect(metric('weir_task_numBytesIn', { ...ids, vertex: v.id })).toBe(v.metrics.numBytesIn);
      expect(metric('weir_task_numBytesOut', { ...ids, vertex: v.id })).toBe(v.metrics.numBytesOut);
      for (let i = 0; i < v.parallelism; i++) {
        const labels = { ...ids, vertex: v.id, subtask: String(i) };
        expect(metric('weir_task_busyTimeMsPerSecond', labels)).toBeGreaterThanOrEqual(0);
        const own = subtasks.find((s) => s.vertexId === v.id && s.subtask === i)!.counters.watermarks;
        if (own?.input !== undefined)
          expect(metric('weir_task_currentInputWatermark', labels)).toBe(own.input);
        if (own?.output !== undefined)
          expect(metric('weir_task_currentOutputWatermark', labels)).toBe(own.output);
      }
    }

    const missing = await fetch(new URL('/jobs/0123/checkpoints', url));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: ['job not found'] });

    await client.dashboard!.close();
    await noServerHandles();
  });

  it('closes with the job unless kept, and refuses bad options naming them', async () => {
    const client = await startJob<DashboardJobArgs>(job, {
      args: { ratePerSecond: 20_000, count: 2_000 },
      environment: { parallelism: 1 },
      dashboard: true,
    });
    const result = await client.result;
    await client.dashboard!.closed;
    await noServerHandles();
    expect(result.operators.find((o) => o.uid === 'totals')!.records).toBe(2_000);

    await expect(startJob(job, { dashboard: { port: 70_000 } })).rejects.toMatchObject({
      code: 'ERR_INVALID_OPTION',
      option: 'dashboard.port',
    });
    await expect(startJob(job, { dashboard: { host: 'example.invalid' } })).rejects.toMatchObject({
      option: 'dashboard.host',
    });
  });
});
