// Flink's task metrics from two reports of a subtask: rates over the subtask's own running time,
// busy time as what is neither idle nor back-pressured, Flink's backpressure levels.
import { describe, expect, it } from 'vitest';
import { backpressureLevel, taskMetrics, vertexMetrics } from '../../../src/dashboard/subtask-rates.ts';
import type { SubtaskCounters } from '../../../src/index.ts';

const report = (
  records: number,
  out: number,
  runningMs: number,
  idleMs: number,
  backPressuredMs: number,
): SubtaskCounters => ({
  recordsIn: [records, records],
  recordsOut: out,
  time: { runningMs, idleMs, backPressuredMs },
});

describe('task metrics', () => {
  it('rates over the running time between two reports; busy is the rest', () => {
    const m = taskMetrics(report(3000, 1500, 2500, 700, 300), report(1000, 500, 500, 100, 100), false);
    expect(m).toEqual({
      numRecordsIn: 3000,
      numRecordsOut: 1500,
      numRecordsInPerSecond: 1000,
      numRecordsOutPerSecond: 500,
      busyTimeMsPerSecond: 600,
      idleTimeMsPerSecond: 300,
      backPressuredTimeMsPerSecond: 100,
      numBytesIn: 0,
      numBytesOut: 0,
      numBytesInPerSecond: 0,
      numBytesOutPerSecond: 0,
    });
  });

  it('bytes per second like records; watermarks as last reported', () => {
    const before = { ...report(0, 0, 1000, 0, 0), bytesIn: 1000, bytesOut: 4000 };
    const now = {
      ...report(0, 0, 3000, 0, 0),
      bytesIn: 5000,
      bytesOut: 8000,
      watermarks: { input: 70, output: 60 },
    };
    expect(taskMetrics(now, before, false)).toMatchObject({
      numBytesIn: 5000,
      numBytesOut: 8000,
      numBytesInPerSecond: 2000,
      numBytesOutPerSecond: 2000,
      currentInputWatermark: 70,
      currentOutputWatermark: 60,
    });
  });

  it('a source receives nothing: its records in are 0, its records out are what it sent', () => {
    const m = taskMetrics(report(3000, 2900, 2000, 0, 0), report(1000, 900, 1000, 0, 0), true);
    expect(m).toMatchObject({
      numRecordsIn: 0,
      numRecordsInPerSecond: 0,
      numRecordsOut: 2900,
      numRecordsOutPerSecond: 2000,
    });
  });

  it('no earlier report, or no time between them: counts, zero rates', () => {
    expect(taskMetrics(report(10, 5, 100, 0, 0), undefined, false)).toMatchObject({
      numRecordsIn: 10,
      numRecordsInPerSecond: 0,
      busyTimeMsPerSecond: 0,
    });
    const same = report(10, 5, 100, 0, 0);
    expect(taskMetrics(same, same, false).numRecordsInPerSecond).toBe(0);
  });

  it('times are clamped to a second per second (timer granularity)', () => {
    const m = taskMetrics(report(0, 0, 1100, 1101, 50), report(0, 0, 100, 0, 0), false);
    expect(m.idleTimeMsPerSecond + m.backPressuredTimeMsPerSecond + m.busyTimeMsPerSecond).toBe(1000);
  });

  it("levels as Flink's web UI: ok to 10 %, low to 50 %, high above", () => {
    expect([0, 100, 101, 500, 501, 1000].map(backpressureLevel)).toEqual([
      'ok',
      'ok',
      'low',
      'low',
      'high',
      'high',
    ]);
  });

  it('a vertex sums counts and rates and shows its busiest subtask', () => {
    const a = taskMetrics(report(2000, 0, 2000, 500, 0), report(0, 0, 1000, 0, 0), false);
    const b = taskMetrics(report(1000, 0, 2000, 900, 0), report(0, 0, 1000, 0, 0), false);
    expect(vertexMetrics([a, b])).toMatchObject({
      numRecordsIn: 3000,
      numRecordsInPerSecond: 3000,
      busyTimeMsPerSecond: 500,
      idleTimeMsPerSecond: 500,
    });
  });

  it("a vertex's watermark is its slowest subtask's, none while a subtask has none", () => {
    const at = (input?: number) =>
      taskMetrics(
        { ...report(0, 0, 0, 0, 0), ...(input === undefined ? {} : { watermarks: { input } }) },
        undefined,
        false,
      );
    expect(vertexMetrics([at(50), at(20)]).currentInputWatermark).toBe(20);
    expect(vertexMetrics([at(50), at(Number.POSITIVE_INFINITY)]).currentInputWatermark).toBe(50);
    expect(vertexMetrics([at(50), at()])).not.toHaveProperty('currentInputWatermark');
  });
});
