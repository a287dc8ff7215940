/**
 * Trials of a result grouped by configuration: the repeats of one configuration summarised as
 * median and spread (throughput, latency percentiles), their latency histograms merged (for the
 * percentile curves: the distribution over every repeat's window), and their checkpoints pooled.
 */
import { LatencyHistogram } from '../../../src/index.ts';
import { type Spread, spreadOf } from '../../jobs-support/spread.ts';
import { percentile } from '../../support/stats.ts';
import type { TrialConfig } from '../config.ts';
import type { LatencyStage } from '../job-args.ts';
import type { CheckpointFigures, TrialRecord } from '../trial-result.ts';

/** Percentiles (ms) over the pooled checkpoints of a configuration; NaN without checkpoints. */
export interface CheckpointSummary {
  readonly count: number;
  readonly failed: number;
  readonly durationP50: number;
  readonly durationMax: number;
  readonly alignmentP50: number;
  readonly alignmentMax: number;
  readonly startDelayP50: number;
  readonly stateBytesP50: number;
  /** Bytes of in-flight records persisted (unaligned), p50 and max over checkpoints. */
  readonly inFlightBytesP50: number;
  readonly inFlightBytesMax: number;
}

/** Per repeat: p50 and p99 of one latency stage (ms). */
export interface StageSummary {
  readonly p50: Spread;
  readonly p99: Spread;
}

export interface ConfigSummary {
  readonly id: string;
  readonly group: string;
  readonly config: TrialConfig;
  readonly repeats: number;
  /** Offered rates of the repeats (load steps), records/s. */
  readonly offeredRate: Spread;
  readonly throughput: Spread;
  readonly cpuThroughput: Spread;
  /** Per repeat: end-to-end p50, p90, p99, p99.9, max (ms). */
  readonly latency: { readonly [K in 'p50' | 'p90' | 'p99' | 'p999' | 'max']: Spread };
  /** Per repeat: pipeline-only (from emission) p99 (ms). */
  readonly pipelineP99: Spread;
  /** Every repeat's end-to-end histogram merged. */
  readonly endToEnd: LatencyHistogram;
  /** The latency breakdown by stage; absent in results of runs before it was recorded. */
  readonly stages?: { readonly [S in LatencyStage]: StageSummary };
  readonly checkpoints: CheckpointSummary;
  /** Load averages (1 min) seen at the end of the trials. */
  readonly loadAverage: Spread;
}

function checkpointSummary(checkpoints: readonly CheckpointFigures[], failed: number): CheckpointSummary {
  const p = (pick: (c: CheckpointFigures) => number, q: number): number =>
    percentile(
      checkpoints.map(pick).sort((a, b) => a - b),
      q,
    );
  return {
    count: checkpoints.length,
    failed,
    durationP50: p((c) => c.durationMs, 50),
    durationMax: p((c) => c.durationMs, 100),
    alignmentP50: p((c) => c.alignmentMs, 50),
    alignmentMax: p((c) => c.alignmentMs, 100),
    startDelayP50: p((c) => c.startDelayMs, 50),
    stateBytesP50: p((c) => c.stateBytes, 50),
    inFlightBytesP50: p((c) => c.inFlightBytes ?? 0, 50),
    inFlightBytesMax: p((c) => c.inFlightBytes ?? 0, 100),
  };
}

/** The stage breakdown over repeats, when every repeat recorded it. */
function stagesOf(runs: readonly TrialRecord[]): { stages?: NonNullable<ConfigSummary['stages']> } {
  if (!runs.every((t) => t.latency.stages !== undefined)) return {};
  const stage = (s: LatencyStage): StageSummary => ({
    p50: spreadOf(runs.map((t) => t.latency.stages![s].p50)),
    p99: spreadOf(runs.map((t) => t.latency.stages![s].p99)),
  });
  return { stages: { source: stage('source'), channel: stage('channel'), task: stage('task') } };
}

/** One summary per configuration, in the order configurations first appear. */
export function summarise(trials: readonly TrialRecord[]): ConfigSummary[] {
  const byId = new Map<string, TrialRecord[]>();
  for (const t of trials) byId.set(t.id, [...(byId.get(t.id) ?? []), t]);
  return [...byId.values()].map((runs) => {
    const first = runs[0]!;
    const of = (pick: (t: TrialRecord) => number): Spread => spreadOf(runs.map(pick));
    const lat = (k: 'p50' | 'p90' | 'p99' | 'p999' | 'max'): Spread =>
      of((t) => t.latency.endToEnd.summary[k]);
    return {
      id: first.id,
      group: first.group,
      config: first.config,
      repeats: runs.length,
      offeredRate: of((t) => t.config.offeredRate ?? Number.NaN),
      throughput: of((t) => t.throughput.recordsPerSecond),
      cpuThroughput: of((t) => t.throughput.recordsPerCpuSecond),
      latency: { p50: lat('p50'), p90: lat('p90'), p99: lat('p99'), p999: lat('p999'), max: lat('max') },
      pipelineP99: of((t) => t.latency.pipeline.summary.p99),
      endToEnd: LatencyHistogram.merge(runs.map((t) => LatencyHistogram.decode(t.latency.endToEnd.encoded))),
      ...stagesOf(runs),
      checkpoints: checkpointSummary(
        runs.flatMap((t) => t.checkpoints),
        runs.reduce((s, t) => s + t.failedCheckpoints, 0),
      ),
      loadAverage: of((t) => t.loadAverage[0] ?? Number.NaN),
    };
  });
}

/**
 * The summary of the same job without checkpoints on the same input (same peer, parallelism,
 * channels, skew, sink and load), the peer a checkpointed configuration's cost is measured against.
 */
export function offPeerOf(summary: ConfigSummary, all: readonly ConfigSummary[]): ConfigSummary | undefined {
  const c = summary.config;
  return all.find(
    (o) =>
      o.config.mode === 'off' &&
      o.config.peer === c.peer &&
      o.config.parallelism === c.parallelism &&
      o.config.inputChannels === c.inputChannels &&
      o.config.skew === c.skew &&
      o.config.sinkDelayMicros === c.sinkDelayMicros &&
      o.config.inFlightTargetMs === c.inFlightTargetMs &&
      o.config.load === c.load,
  );
}

/**
 * Throughput cost against the off peer: 1 − checkpointed / off (medians; pass another `throughput`
 * of the checkpointed configuration, e.g. its min or max, for the range); NaN without a peer.
 */
export function costAgainstOff(
  summary: ConfigSummary,
  all: readonly ConfigSummary[],
  throughput = summary.throughput.median,
): number {
  const off = offPeerOf(summary, all);
  if (off === undefined || summary.config.mode === 'off') return Number.NaN;
  return 1 - throughput / off.throughput.median;
}
