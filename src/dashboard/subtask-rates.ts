/**
 * Flink's task metrics from two reports of the same subtask: records in and out per second, and
 * busy, idle and back-pressured time in ms per second, over the subtask's own running time between
 * the reports (so a report that arrives late does not skew a rate). Backpressure levels and the
 * busy colour are Flink's (its web UI: OK up to 10 % back-pressured, LOW up to 50 %, HIGH above).
 *
 * Pure functions of plain data; thread: any.
 */
import type { SubtaskCounters } from '../runtime/protocol.ts';

/** One subtask's metrics, Flink's names. */
export interface TaskMetrics {
  readonly numRecordsIn: number;
  readonly numRecordsOut: number;
  readonly numRecordsInPerSecond: number;
  readonly numRecordsOutPerSecond: number;
  readonly busyTimeMsPerSecond: number;
  readonly idleTimeMsPerSecond: number;
  readonly backPressuredTimeMsPerSecond: number;
  /** Bytes of record frames read from input channels, of frames written to output channels. */
  readonly numBytesIn: number;
  readonly numBytesOut: number;
  readonly numBytesInPerSecond: number;
  readonly numBytesOutPerSecond: number;
  /**
   * Event time (ms): the watermark combined from the inputs and the last one sent downstream;
   * absent before the first (and for a source's input or a sink's output). `Infinity` once a
   * bounded input ended.
   */
  readonly currentInputWatermark?: number;
  readonly currentOutputWatermark?: number;
}

/** Flink's backpressure level of a subtask or vertex. */
export type BackpressureLevel = 'ok' | 'low' | 'high';

/** A subtask's records in: what its head operator received (0 for a source, which reads instead). */
export function recordsIn(counters: SubtaskCounters, isSource: boolean): number {
  return isSource ? 0 : (counters.recordsIn[0] ?? 0);
}

/**
 * The metrics of a subtask now (`current`), with rates since `previous` (an earlier report of the
 * same subtask in the same attempt; absent or from another run: rates are 0 until the next report).
 */
export function taskMetrics(
  current: SubtaskCounters,
  previous: SubtaskCounters | undefined,
  isSource: boolean,
): TaskMetrics {
  const numRecordsIn = recordsIn(current, isSource);
  const numRecordsOut = current.recordsOut;
  const numBytesIn = current.bytesIn ?? 0;
  const numBytesOut = current.bytesOut ?? 0;
  const counts = {
    numRecordsIn,
    numRecordsOut,
    numBytesIn,
    numBytesOut,
    ...(current.watermarks?.input !== undefined ? { currentInputWatermark: current.watermarks.input } : {}),
    ...(current.watermarks?.output !== undefined
      ? { currentOutputWatermark: current.watermarks.output }
      : {}),
  };
  const now = current.time;
  const before = previous?.time;
  const dt = now && before ? now.runningMs - before.runningMs : 0;
  if (now === undefined || before === undefined || !(dt > 0) || previous === undefined) {
    return {
      ...counts,
      numBytesInPerSecond: 0,
      numBytesOutPerSecond: 0,
      numRecordsInPerSecond: 0,
      numRecordsOutPerSecond: 0,
      busyTimeMsPerSecond: 0,
      idleTimeMsPerSecond: 0,
      backPressuredTimeMsPerSecond: 0,
    };
  }
  const perSecond = (delta: number): number => Math.max(0, (delta * 1000) / dt);
  const idle = Math.min(1000, perSecond(now.idleMs - before.idleMs));
  const backPressured = Math.min(1000 - idle, perSecond(now.backPressuredMs - before.backPressuredMs));
  return {
    ...counts,
    numBytesInPerSecond: perSecond(numBytesIn - (previous.bytesIn ?? 0)),
    numBytesOutPerSecond: perSecond(numBytesOut - (previous.bytesOut ?? 0)),
    numRecordsInPerSecond: perSecond(numRecordsIn - recordsIn(previous, isSource)),
    numRecordsOutPerSecond: perSecond(numRecordsOut - previous.recordsOut),
    busyTimeMsPerSecond: Math.max(0, 1000 - idle - backPressured),
    idleTimeMsPerSecond: idle,
    backPressuredTimeMsPerSecond: backPressured,
  };
}

/** Flink's level for `backPressuredTimeMsPerSecond`. */
export function backpressureLevel(backPressuredTimeMsPerSecond: number): BackpressureLevel {
  if (backPressuredTimeMsPerSecond <= 100) return 'ok';
  return backPressuredTimeMsPerSecond <= 500 ? 'low' : 'high';
}

/**
 * A vertex's metrics from its subtasks': counts and rates summed, times the busiest subtask's (as
 * Flink shows), watermarks the lowest subtask's (absent while any subtask has none).
 */
export function vertexMetrics(subtasks: readonly TaskMetrics[]): TaskMetrics {
  const sum = (pick: (m: TaskMetrics) => number): number => subtasks.reduce((n, m) => n + pick(m), 0);
  const lowest = (pick: (m: TaskMetrics) => number | undefined): number | undefined => {
    const values = subtasks.map(pick);
    return values.length === 0 || values.some((v) => v === undefined)
      ? undefined
      : Math.min(...(values as number[]));
  };
  const input = lowest((m) => m.currentInputWatermark);
  const output = lowest((m) => m.currentOutputWatermark);
  const max = (pick: (m: TaskMetrics) => number): number =>
    subtasks.reduce((n, m) => Math.max(n, pick(m)), 0);
  return {
    numRecordsIn: sum((m) => m.numRecordsIn),
    numRecordsOut: sum((m) => m.numRecordsOut),
    numRecordsInPerSecond: sum((m) => m.numRecordsInPerSecond),
    numRecordsOutPerSecond: sum((m) => m.numRecordsOutPerSecond),
    busyTimeMsPerSecond: max((m) => m.busyTimeMsPerSecond),
    idleTimeMsPerSecond: subtasks.length === 0 ? 0 : Math.min(...subtasks.map((m) => m.idleTimeMsPerSecond)),
    backPressuredTimeMsPerSecond: max((m) => m.backPressuredTimeMsPerSecond),
    numBytesIn: sum((m) => m.numBytesIn),
    numBytesOut: sum((m) => m.numBytesOut),
    numBytesInPerSecond: sum((m) => m.numBytesInPerSecond),
    numBytesOutPerSecond: sum((m) => m.numBytesOutPerSecond),
    ...(input !== undefined ? { currentInputWatermark: input } : {}),
    ...(output !== undefined ? { currentOutputWatermark: output } : {}),
  };
}
