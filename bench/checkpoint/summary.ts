/**
 * Turns the samples of a run into one row per configuration: throughput over the rounds (median,
 * range, spread) and its cost against the same job without checkpoints, and the checkpoints of all
 * rounds pooled: end-to-end duration, alignment, per-subtask synchronous and asynchronous parts,
 * start delay, state size.
 *
 * The cost is paired: in each round, the configuration's rate over its baseline's rate in the same
 * round (measured minutes apart at most, so under a similar load from elsewhere on the machine),
 * then the median of those ratios over the rounds.
 */
import type { CheckpointStatsRecord } from '../../src/index.ts';
import { type Spread, spreadOf } from '../jobs-support/spread.ts';
import { median, percentile } from '../support/stats.ts';
import type { Config } from './plan.ts';
import type { Sample } from './trial.ts';

/** Percentiles of a pooled series. */
export interface Distribution {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** The figures of one configuration. */
export interface Row {
  readonly config: Config;
  readonly recordsPerSecond: Spread;
  readonly recordsPerCpuSecond: Spread;
  /** 1 − rate / baseline rate, per round, over the rounds; 0 for the baseline itself. */
  readonly cost: Spread;
  readonly cpuCost: Spread;
  readonly coresUsed: number;
  readonly coresWaited: number;
  readonly startMs: number;
  /** Completed checkpoints per round (median) and failed ones over all rounds. */
  readonly checkpointsPerRound: number;
  readonly failedCheckpoints: number;
  /** Trigger to commit, per checkpoint. */
  readonly durationMs: Distribution;
  /** The slowest keyed subtask's alignment, per checkpoint (what held the checkpoint up). */
  readonly alignmentMs: Distribution;
  /** Every subtask's synchronous part (sources and keyed subtasks). */
  readonly syncMs: Distribution;
  /** The keyed subtasks' asynchronous part (encode, copy into the acknowledgement). */
  readonly asyncMs: Distribution;
  /** The keyed subtasks' delay from the trigger to the first barrier. */
  readonly startDelayMs: Distribution;
  /** Bytes of a completed checkpoint (median). */
  readonly stateBytes: number;
  readonly loadAverages: readonly (readonly number[])[];
}

const KEYED_VERTEX = 'state';

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

function keyedSubtasks(records: readonly CheckpointStatsRecord[]) {
  return records.flatMap((r) => r.subtasks.filter((s) => s.task.vertexId === KEYED_VERTEX));
}

/** One row per configuration, in the order of `configs`. */
export function summarise(configs: readonly Config[], samples: readonly Sample[]): Row[] {
  return configs.map((config) => {
    const own = samples.filter((s) => s.configId === config.id);
    const baseline = samples.filter((s) => s.configId === config.baselineId);
    const checkpoints = own.flatMap((s) => s.completed);
    const keyed = keyedSubtasks(checkpoints);
    return {
      config,
      recordsPerSecond: spreadOf(own.map((s) => s.recordsPerSecond)),
      recordsPerCpuSecond: spreadOf(own.map((s) => s.recordsPerCpuSecond)),
      cost: pairedCost(own, baseline, (s) => s.recordsPerSecond),
      cpuCost: pairedCost(own, baseline, (s) => s.recordsPerCpuSecond),
      coresUsed: median(own.map((s) => s.coresUsed)),
      coresWaited: median(own.map((s) => s.coresWaited)),
      startMs: median(own.map((s) => s.startMs)),
      checkpointsPerRound: median(own.map((s) => s.completed.length)),
      failedCheckpoints: own.reduce((n, s) => n + s.failed, 0),
      durationMs: distribution(checkpoints.map((c) => c.durationMs)),
      alignmentMs: distribution(checkpoints.map((c) => c.alignmentMs)),
      syncMs: distribution(checkpoints.flatMap((c) => c.subtasks.map((s) => s.syncDurationMs))),
      asyncMs: distribution(keyed.map((s) => s.asyncDurationMs)),
      startDelayMs: distribution(keyed.map((s) => s.startDelayMs)),
      stateBytes: median(checkpoints.map((c) => c.stateBytes)),
      loadAverages: own.map((s) => s.loadAverage),
    };
  });
}

/** 1 − rate / baseline rate of the same round, summarised over the rounds. */
function pairedCost(
  own: readonly Sample[],
  baseline: readonly Sample[],
  rate: (s: Sample) => number,
): Spread {
  return spreadOf(
    own.map((sample) => {
      const base = baseline.find((b) => b.round === sample.round);
      return base === undefined ? Number.NaN : 1 - rate(sample) / rate(base);
    }),
  );
}
