// The job observer on a manual clock: rates from one sample to the next and never across a
// restart, a failure linked to the restart decision, the restored checkpoint and the recovery, the
// checkpoint series without repeats, and a last sample once the job ended.
import { describe, expect, it } from 'vitest';
import type { CheckpointStatsRecord, CheckpointStatsSnapshot } from '../../../src/checkpoint/stats.ts';
import { JobObserver } from '../../../src/dashboard/job-observer.ts';
import type { ObservedJob, ObservedJobEvents } from '../../../src/dashboard/observed-job.ts';
import type { CompletedCheckpoint, JobFailure, SubtaskMetrics } from '../../../src/index.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { ManualScheduler } from '../../../src/util/scheduler.ts';

const record = (checkpointId: number, status: CheckpointStatsRecord['status']): CheckpointStatsRecord => ({
  checkpointId,
  savepoint: false,
  status,
  triggerTimestamp: 1000 * checkpointId,
  durationMs: 10 * checkpointId,
  stateBytes: 100,
  checkpointedBytes: 100,
  sourceRecords: 0,
  acknowledgedTasks: 1,
  totalTasks: 1,
  alignmentMs: 0,
  subtasks: [],
});

class FakeJob implements ObservedJob {
  readonly jobId = 'f'.repeat(32);
  readonly jobName = 'fake';
  status = 'running' as const;
  attempt = 1;
  subtasks: SubtaskMetrics[] = [];
  history: CheckpointStatsRecord[] = [];
  readonly listeners = new Map<string, Set<(...args: never[]) => void>>();
  end!: () => void;
  readonly result = new Promise<void>((resolve) => {
    this.end = resolve;
  });

  progress() {
    return {
      elapsedMs: 0,
      attempt: this.attempt,
      status: this.status,
      operators: [],
      subtasks: { total: 1, running: 1, finished: 0 },
    };
  }
  checkpointStats(): CheckpointStatsSnapshot {
    const none = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    return {
      counts: { triggered: this.history.length, inProgress: 0, completed: 0, failed: 0 },
      latestCompleted: undefined,
      latestSavepoint: undefined,
      latestFailed: undefined,
      history: [...this.history].reverse(),
      summary: { durationMs: none, stateBytes: none, alignmentMs: none },
    };
  }
  plan() {
    const operators = [{ uid: 'map', name: 'map', kind: 'map', role: 'operator' as const }];
    return {
      vertices: [{ id: 'map', index: 0, name: 'map', parallelism: 1, operators }],
      edges: [],
      maxParallelism: 128,
    };
  }
  configuration(): never {
    throw new Error('not used');
  }
  subtaskMetrics() {
    return this.subtasks;
  }
  on<E extends keyof ObservedJobEvents>(event: E, listener: ObservedJobEvents[E]): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (...args: never[]) => void);
    return () => set.delete(listener as (...args: never[]) => void);
  }
  emit<E extends keyof ObservedJobEvents>(event: E, ...args: Parameters<ObservedJobEvents[E]>): void {
    for (const l of this.listeners.get(event) ?? []) (l as unknown as (...a: typeof args) => void)(...args);
  }
  report(records: number, runningMs: number, idleMs: number): void {
    this.subtasks = [
      {
        vertexId: 'map',
        subtask: 0,
        state: 'running',
        counters: {
          recordsIn: [records],
          recordsOut: records,
          time: { runningMs, idleMs, backPressuredMs: 0 },
        },
      },
    ];
  }
}

function setUp() {
  const scheduler = new ManualScheduler(new ManualClock());
  const job = new FakeJob();
  const observer = new JobObserver(job, { timers: scheduler, now: () => 42 });
  return { scheduler, job, observer };
}

describe('job observer', () => {
  it('samples once a second: rates between reports, none across a restart', () => {
    const { scheduler, job, observer } = setUp();
    job.report(1000, 1000, 500);
    scheduler.advance(1000);
    expect(observer.subtasks()[0]!.metrics.numRecordsInPerSecond).toBe(0);
    job.report(3000, 2000, 700);
    scheduler.advance(1000);
    expect(observer.subtasks()[0]!.metrics).toMatchObject({
      numRecordsInPerSecond: 2000,
      idleTimeMsPerSecond: 200,
      busyTimeMsPerSecond: 800,
    });
    job.attempt = 2;
    job.report(100, 100, 0);
    scheduler.advance(1000);
    expect(observer.subtasks()[0]!.metrics).toMatchObject({ numRecordsIn: 100, numRecordsInPerSecond: 0 });
  });

  it('links a failure to its restart, the restored checkpoint and the recovery', () => {
    const { job, observer } = setUp();
    const failure: JobFailure = {
      error: Object.assign(new Error('boom', { cause: new TypeError('inner') }), { code: 'ERR_X' }),
      attempt: 1,
      operator: { name: 'map', uid: 'map' },
      subtask: 0,
      restart: { delayMs: 50, attempt: 2 },
    };
    job.emit('failure', failure);
    const checkpoint = { checkpointId: 7, savepoint: false, pointer: 'memory:chk-7' } as CompletedCheckpoint;
    job.emit('restored', checkpoint, 2);
    job.emit('recovered', { attempt: 2, checkpoint, restoreMs: 12, downtimeMs: 80 });
    const [entry] = observer.exceptions().entries;
    expect(entry).toMatchObject({
      timestamp: 42,
      exceptionName: 'Error',
      code: 'ERR_X',
      restart: { delayMs: 50, attempt: 2 },
      restored: { checkpointId: 7, pointer: 'memory:chk-7' },
      recovery: { restoreMs: 12, downtimeMs: 80 },
    });
    expect(entry!.stacktrace).toMatch(/Caused by: TypeError: inner/);
    expect(observer.restored()).toMatchObject({ count: 1, latest: { attempt: 2, timestamp: 42 } });
  });

  it('keeps each completed checkpoint once in the series, in order', () => {
    const { scheduler, job, observer } = setUp();
    job.history = [record(1, 'completed'), record(2, 'in-progress')];
    scheduler.advance(1000);
    job.history = [record(1, 'completed'), record(2, 'completed'), record(3, 'failed')];
    job.emit('checkpoint', { checkpointId: 2 } as CompletedCheckpoint);
    scheduler.advance(1000);
    expect(observer.checkpointPoints().map((p) => p.checkpointId)).toEqual([1, 2]);
    expect(observer.checkpointHistory().map((c) => [c.checkpointId, c.status])).toEqual([
      [3, 'failed'],
      [2, 'completed'],
      [1, 'completed'],
    ]);
  });

  it('takes a last sample when the job ends and stops sampling', async () => {
    const { scheduler, job, observer } = setUp();
    job.report(10, 10, 0);
    job.end();
    await observer.ended;
    expect(observer.subtasks()[0]!.metrics.numRecordsIn).toBe(10);
    expect(observer.endTime).toBe(42);
    expect(scheduler.pending).toBe(0);
  });
});
