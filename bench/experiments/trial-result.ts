/**
 * What one trial (one run of one configuration) measured, as kept in the result JSON: throughput
 * over the window, both latency histograms (summary and HdrHistogram encoding), the per-stage
 * latency summaries, and every checkpoint
 * completed in the window with its duration, alignment, start delay and size.
 */
import type { CheckpointStatsRecord, LatencyHistogram, LatencySummary } from '../../src/index.ts';
import type { WindowRates } from '../checkpoint/window.ts';
import type { TrialConfig } from './config.ts';
import type { LatencyStage } from './job-args.ts';
import type { Latencies } from './latency-recorder.ts';

/** A latency distribution: percentiles (ms) and the encoded HdrHistogram (µs). */
export interface LatencyFigures {
  readonly summary: LatencySummary;
  /** HdrHistogram V2 compressed base64; decode with `LatencyHistogram.decode`. */
  readonly encoded: string;
}

/** One completed checkpoint, reduced to the figures the report uses. */
/** A trial's latency: end to end, in pipeline, and per stage (absent in results of older runs). */
export interface TrialLatency {
  readonly endToEnd: LatencyFigures;
  readonly pipeline: LatencyFigures;
  readonly stages?: { readonly [S in LatencyStage]: LatencySummary };
}

/** The figures of merged histograms: summaries, and the encoded end-to-end and pipeline ones. */
export function latencyFigures(latencies: Latencies): TrialLatency {
  const figures = (h: LatencyHistogram): LatencyFigures => ({ summary: h.summary(), encoded: h.encode() });
  const { source, channel, task } = latencies.stages;
  return {
    endToEnd: figures(latencies.endToEnd),
    pipeline: figures(latencies.pipeline),
    stages: { source: source.summary(), channel: channel.summary(), task: task.summary() },
  };
}

export interface CheckpointFigures {
  readonly id: number;
  /** Trigger to completion, ms. */
  readonly durationMs: number;
  /** The slowest subtask's alignment, ms. */
  readonly alignmentMs: number;
  /** The latest first barrier: trigger to the first barrier reaching the last subtask, ms. */
  readonly startDelayMs: number;
  /** The longest synchronous part of a subtask's snapshot, ms. */
  readonly syncMs: number;
  /** The longest asynchronous part, ms. */
  readonly asyncMs: number;
  /** Bytes of state referenced. */
  readonly stateBytes: number;
  /** Unaligned: bytes of in-flight records persisted as channel state, over every subtask. */
  readonly inFlightBytes?: number;
}

export interface TrialRecord {
  readonly id: string;
  /** Which part of the experiment the trial belongs to (e.g. `interval`, `skew`, `load`). */
  readonly group: string;
  readonly config: TrialConfig;
  readonly repeat: number;
  /** From the job's start to its first record, ms. */
  readonly startMs: number;
  readonly throughput: WindowRates;
  readonly latency: TrialLatency;
  /** Records that arrived before their scheduled time (counted as 0 latency). */
  readonly earlyRecords: number;
  readonly checkpoints: readonly CheckpointFigures[];
  readonly failedCheckpoints: number;
  /** Load average (1, 5, 15 min) at the end of the trial. */
  readonly loadAverage: readonly number[];
}

/** A completed checkpoint's figures. */
export function checkpointFigures(record: CheckpointStatsRecord): CheckpointFigures {
  const max = (pick: (s: CheckpointStatsRecord['subtasks'][number]) => number): number =>
    record.subtasks.reduce((m, s) => Math.max(m, pick(s)), 0);
  return {
    id: record.checkpointId,
    durationMs: record.durationMs,
    alignmentMs: record.alignmentMs,
    startDelayMs: max((s) => s.startDelayMs),
    syncMs: max((s) => s.syncDurationMs),
    asyncMs: max((s) => s.asyncDurationMs),
    stateBytes: record.stateBytes,
    inFlightBytes: record.subtasks.reduce((sum, s) => sum + (s.inFlightBytes ?? 0), 0),
  };
}
