/**
 * Checkpoint statistics as Flink exposes them (`CheckpointStatsTracker`): counts (triggered, in
 * progress, completed, failed), the latest completed checkpoint, savepoint and failure, a history
 * of the last N checkpoints with per-subtask details, and summary statistics over completed
 * checkpoints (min, mean, p50, p90, p99, max of end-to-end duration, state size and alignment).
 *
 * Percentiles use the nearest-rank method on the last `summaryWindow` completed checkpoints: the
 * p-th percentile of n sorted values is the value at rank ⌈p·n⌉, always a value that occurred. A
 * checkpoint's alignment is its slowest subtask's alignment, the one that held the checkpoint up.
 *
 * Thread: the main thread (fed by the coordinator). {@link CheckpointStatsTracker.snapshot} returns
 * plain data, safe to keep, print or post.
 */
import type { CheckpointFailureReason } from './failure-reason.ts';
import type { CheckpointAck, SubtaskCheckpointMetrics, TaskId } from './messages.ts';

/** One subtask's part of a checkpoint. */
export interface SubtaskCheckpointStats extends SubtaskCheckpointMetrics {
  readonly task: TaskId;
  /** From the trigger to this subtask's acknowledgement, ms. */
  readonly endToEndMs: number;
}

/** One checkpoint, in progress or ended. */
export interface CheckpointStatsRecord {
  readonly checkpointId: number;
  readonly savepoint: boolean;
  readonly status: 'in-progress' | 'completed' | 'failed';
  /** Trigger time, ms since the epoch. */
  readonly triggerTimestamp: number;
  /** Trigger to end (or to the latest acknowledgement while in progress), ms. */
  readonly durationMs: number;
  /**
   * Bytes of state the checkpoint refers to (Flink's full checkpoint data size): completed, from
   * its handles; before, the sum of the subtasks' reports. With incremental checkpoints this
   * includes the files of earlier checkpoints it reuses.
   */
  readonly stateBytes: number;
  /**
   * Bytes the checkpoint wrote itself (Flink's checkpointed data size): equal to `stateBytes`
   * unless it is incremental, then only what changed since its base.
   */
  readonly checkpointedBytes: number;
  /**
   * Records the sources had emitted in the attempt that took the checkpoint, summed over the
   * acknowledgements so far: the position of its barriers as a count.
   */
  readonly sourceRecords: number;
  readonly acknowledgedTasks: number;
  readonly totalTasks: number;
  /** The slowest subtask's alignment, ms. */
  readonly alignmentMs: number;
  readonly subtasks: readonly SubtaskCheckpointStats[];
  /** Completed only: where it lives (directory or memory pointer). */
  readonly pointer?: string;
  /** Failed only. */
  readonly failure?: { readonly reason: CheckpointFailureReason; readonly message: string };
}

/** Summary statistics of a series; all 0 when `count` is 0. */
export interface SummaryStatistics {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Everything the tracker knows, as plain data. */
export interface CheckpointStatsSnapshot {
  readonly counts: {
    readonly triggered: number;
    readonly inProgress: number;
    readonly completed: number;
    readonly failed: number;
  };
  readonly latestCompleted: CheckpointStatsRecord | undefined;
  readonly latestSavepoint: CheckpointStatsRecord | undefined;
  readonly latestFailed: CheckpointStatsRecord | undefined;
  /** The last `historySize` checkpoints, newest first. */
  readonly history: readonly CheckpointStatsRecord[];
  /** Over the last `summaryWindow` completed checkpoints. */
  readonly summary: {
    readonly durationMs: SummaryStatistics;
    readonly stateBytes: SummaryStatistics;
    readonly alignmentMs: SummaryStatistics;
  };
}

/** Sizes of what the tracker keeps. */
export interface CheckpointStatsOptions {
  /** Checkpoints kept in the history; default 10 (Flink's `web.checkpoints.history`). */
  readonly historySize?: number;
  /** Completed checkpoints the summary covers; default 10 000. */
  readonly summaryWindow?: number;
}

type MutableRecord = { -readonly [K in keyof CheckpointStatsRecord]: CheckpointStatsRecord[K] } & {
  triggeredAt: number;
  subtasks: SubtaskCheckpointStats[];
};

/** Collects checkpoint statistics. */
export class CheckpointStatsTracker {
  readonly #historySize: number;
  readonly #summaryWindow: number;
  readonly #active = new Map<number, MutableRecord>();
  #history: MutableRecord[] = [];
  #counts = { triggered: 0, completed: 0, failed: 0 };
  #latestCompleted: MutableRecord | undefined;
  #latestSavepoint: MutableRecord | undefined;
  #latestFailed: MutableRecord | undefined;
  readonly #durations: number[] = [];
  readonly #sizes: number[] = [];
  readonly #alignments: number[] = [];

  constructor(options: CheckpointStatsOptions = {}) {
    this.#historySize = Math.max(1, options.historySize ?? 10);
    this.#summaryWindow = Math.max(1, options.summaryWindow ?? 10_000);
  }

  /** A checkpoint was triggered at clock time `triggeredAt`. */
  reportTriggered(
    checkpointId: number,
    savepoint: boolean,
    triggerTimestamp: number,
    triggeredAt: number,
    totalTasks: number,
  ): void {
    const record: MutableRecord = {
      checkpointId,
      savepoint,
      status: 'in-progress',
      triggerTimestamp,
      triggeredAt,
      durationMs: 0,
      stateBytes: 0,
      checkpointedBytes: 0,
      sourceRecords: 0,
      acknowledgedTasks: 0,
      totalTasks,
      alignmentMs: 0,
      subtasks: [],
    };
    this.#counts.triggered++;
    this.#active.set(checkpointId, record);
    this.#history.push(record);
    if (this.#history.length > this.#historySize) this.#history.shift();
  }

  /** A subtask's acknowledgement was taken at clock time `at`. */
  reportAcknowledged(ack: CheckpointAck, at: number): void {
    const record = this.#active.get(ack.checkpointId);
    if (record === undefined) return;
    const endToEndMs = Math.max(0, at - record.triggeredAt);
    record.subtasks.push({ task: ack.task, endToEndMs, ...ack.metrics });
    record.acknowledgedTasks++;
    record.stateBytes += ack.metrics.stateBytes;
    record.checkpointedBytes += ack.metrics.checkpointedBytes ?? ack.metrics.stateBytes;
    record.sourceRecords += ack.metrics.sourceRecords ?? 0;
    record.durationMs = Math.max(record.durationMs, endToEndMs);
    record.alignmentMs = Math.max(record.alignmentMs, ack.metrics.alignmentDurationMs);
  }

  /** The checkpoint was committed at clock time `at`; `checkpointedBytes` defaults to `stateBytes`. */
  reportCompleted(
    checkpointId: number,
    at: number,
    pointer: string,
    stateBytes: number,
    checkpointedBytes = stateBytes,
  ): void {
    const record = this.#end(checkpointId, at, 'completed');
    if (record === undefined) return;
    record.pointer = pointer;
    record.stateBytes = stateBytes;
    record.checkpointedBytes = checkpointedBytes;
    this.#counts.completed++;
    this.#latestCompleted = record;
    if (record.savepoint) this.#latestSavepoint = record;
    push(this.#durations, record.durationMs, this.#summaryWindow);
    push(this.#sizes, stateBytes, this.#summaryWindow);
    push(this.#alignments, record.alignmentMs, this.#summaryWindow);
  }

  /** The checkpoint failed at clock time `at`. */
  reportFailed(checkpointId: number, at: number, reason: CheckpointFailureReason, message: string): void {
    const record = this.#end(checkpointId, at, 'failed');
    if (record === undefined) return;
    record.failure = { reason, message };
    this.#counts.failed++;
    this.#latestFailed = record;
  }

  /** The statistics now, as plain data. */
  snapshot(): CheckpointStatsSnapshot {
    return {
      counts: { ...this.#counts, inProgress: this.#active.size },
      latestCompleted: copy(this.#latestCompleted),
      latestSavepoint: copy(this.#latestSavepoint),
      latestFailed: copy(this.#latestFailed),
      history: this.#history.map((r) => copy(r)!).reverse(),
      summary: {
        durationMs: summarize(this.#durations),
        stateBytes: summarize(this.#sizes),
        alignmentMs: summarize(this.#alignments),
      },
    };
  }

  #end(checkpointId: number, at: number, status: 'completed' | 'failed'): MutableRecord | undefined {
    const record = this.#active.get(checkpointId);
    if (record === undefined) return undefined;
    this.#active.delete(checkpointId);
    record.status = status;
    record.durationMs = Math.max(0, at - record.triggeredAt);
    return record;
  }
}

/** Summary statistics of `values` (nearest-rank percentiles). */
export function summarize(values: readonly number[]): SummaryStatistics {
  const n = values.length;
  if (n === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(n, Math.max(1, Math.ceil(p * n))) - 1]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: n,
    min: sorted[0]!,
    mean: sum / n,
    p50: rank(0.5),
    p90: rank(0.9),
    p99: rank(0.99),
    max: sorted[n - 1]!,
  };
}

function push(window: number[], value: number, limit: number): void {
  window.push(value);
  if (window.length > limit) window.splice(0, window.length - limit);
}

function copy(record: MutableRecord | undefined): CheckpointStatsRecord | undefined {
  if (record === undefined) return undefined;
  const { triggeredAt: _triggeredAt, subtasks, failure, ...rest } = record;
  return {
    ...rest,
    subtasks: subtasks.map((s) => ({ ...s, task: { ...s.task } })),
    ...(failure === undefined ? {} : { failure: { ...failure } }),
  };
}
