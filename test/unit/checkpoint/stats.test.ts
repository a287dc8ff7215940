// Statistics count checkpoints by outcome, keep per-subtask details for the last N, and summarise
// duration, size and alignment with nearest-rank percentiles.
import { describe, expect, it } from 'vitest';
import { CheckpointStatsTracker, summarize } from '../../../src/checkpoint/stats.ts';
import { ackFrom, TASKS } from './harness.ts';

describe('summarize', () => {
  it('computes nearest-rank percentiles, min, max and mean', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
    expect(summarize(values)).toEqual({
      count: 100,
      min: 1,
      mean: 50.5,
      p50: 50,
      p90: 90,
      p99: 99,
      max: 100,
    });
    expect(summarize([7])).toEqual({ count: 1, min: 7, mean: 7, p50: 7, p90: 7, p99: 7, max: 7 });
    expect(summarize([]).count).toBe(0);
  });
});

describe('CheckpointStatsTracker', () => {
  it('keeps the bytes a checkpoint wrote apart from those it refers to, and its sources position', () => {
    const stats = new CheckpointStatsTracker();
    stats.reportTriggered(1, false, 1_000, 0, 2);
    for (const [i, task] of TASKS.slice(0, 2).entries()) {
      const ack = ackFrom(1, task, { stateBytes: 100 });
      stats.reportAcknowledged(
        { ...ack, metrics: { ...ack.metrics, checkpointedBytes: 30, sourceRecords: 7 + i } },
        5,
      );
    }
    expect(stats.snapshot().history[0]).toMatchObject({
      stateBytes: 200,
      checkpointedBytes: 60,
      sourceRecords: 15,
    });
    stats.reportCompleted(1, 9, '/cp/chk-1', 210, 70);
    expect(stats.snapshot().latestCompleted).toMatchObject({
      stateBytes: 210,
      checkpointedBytes: 70,
      sourceRecords: 15,
    });
  });

  it('tracks counts, the latest completed and failed, and subtask details', () => {
    const stats = new CheckpointStatsTracker({ historySize: 2 });
    stats.reportTriggered(1, false, 1_000, 0, 3);
    for (const [i, task] of TASKS.entries())
      stats.reportAcknowledged(ackFrom(1, task, { alignmentDurationMs: i * 5 }), 10 + i);
    stats.reportCompleted(1, 20, '/cp/chk-1', 300);
    stats.reportTriggered(2, true, 2_000, 100, 3);
    stats.reportFailed(2, 150, 'expired', 'too slow');
    stats.reportTriggered(3, false, 3_000, 200, 3);
    const snapshot = stats.snapshot();
    expect(snapshot.counts).toEqual({ triggered: 3, inProgress: 1, completed: 1, failed: 1 });
    expect(snapshot.latestCompleted).toMatchObject({
      checkpointId: 1,
      status: 'completed',
      triggerTimestamp: 1_000,
      durationMs: 20,
      stateBytes: 300,
      alignmentMs: 10,
      pointer: '/cp/chk-1',
      acknowledgedTasks: 3,
    });
    expect(snapshot.latestCompleted?.subtasks[2]).toMatchObject({
      task: TASKS[2],
      endToEndMs: 12,
      syncDurationMs: 1,
    });
    expect(snapshot.latestFailed).toMatchObject({
      checkpointId: 2,
      failure: { reason: 'expired', message: 'too slow' },
    });
    expect(snapshot.history.map((r) => [r.checkpointId, r.status])).toEqual([
      [3, 'in-progress'],
      [2, 'failed'],
    ]);
    expect(snapshot.summary.durationMs).toMatchObject({ count: 1, p50: 20, max: 20 });
    expect(snapshot.summary.alignmentMs.max).toBe(10);
  });

  it('summarises the completed checkpoints only', () => {
    const stats = new CheckpointStatsTracker();
    for (let id = 1; id <= 10; id++) {
      stats.reportTriggered(id, false, id, id * 100, 1);
      stats.reportCompleted(id, id * 100 + id, `p${id}`, id * 1000);
    }
    stats.reportTriggered(11, false, 11, 1100, 1);
    stats.reportFailed(11, 99_999, 'expired', 'x');
    const { summary } = stats.snapshot();
    expect(summary.durationMs).toMatchObject({ count: 10, min: 1, p50: 5, p90: 9, p99: 10, max: 10 });
    expect(summary.stateBytes).toMatchObject({ p50: 5000, max: 10_000 });
  });

  it('returns plain data that later reports do not change', () => {
    const stats = new CheckpointStatsTracker();
    stats.reportTriggered(1, false, 0, 0, 1);
    const before = stats.snapshot();
    stats.reportCompleted(1, 5, 'p', 1);
    expect(before.history[0]?.status).toBe('in-progress');
    expect(structuredClone(stats.snapshot())).toEqual(stats.snapshot());
  });
});
