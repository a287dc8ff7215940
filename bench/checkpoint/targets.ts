/**
 * Checks the targets against a run's rows: the throughput cost of exactly-once checkpoints
 * at a 1 s interval (on the wall-clock rate and on the CPU-normalised rate, since a shared machine
 * makes the first noisy), and the synchronous part of a snapshot per subtask for every state size,
 * in the job (every snapshot, maximum) and alone (p99: the part's own cost, without preemption).
 */
import { formatPercent } from '../jobs-support/spread.ts';
import { formatDuration } from '../support/format.ts';
import { TARGETS } from './params.ts';
import type { SegmentRow } from './segment-summary.ts';
import type { Row } from './summary.ts';
import type { SyncPartResult } from './sync-part.ts';

/** One target's verdict on one configuration. */
export interface TargetCheck {
  readonly target: string;
  readonly configId: string;
  readonly met: boolean;
  readonly detail: string;
}

function isExactlyOnceAt1s(row: Row): boolean {
  return row.config.setting.mode === 'exactly-once' && row.config.setting.intervalMs === 1000;
}

export function checkTargets(
  rows: readonly Row[],
  segments: readonly SegmentRow[],
  syncPart: readonly SyncPartResult[],
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const maxCost = TARGETS.exactlyOnceAt1sMaxCost;
  for (const row of rows.filter(isExactlyOnceAt1s)) {
    checks.push({
      target: `exactly-once at 1 s costs ≤ ${formatPercent(maxCost, 0)} of the throughput`,
      configId: row.config.id,
      met: row.cost.median <= maxCost && row.cpuCost.median <= maxCost,
      detail:
        `cost ${formatPercent(row.cost.median)} of records/s, ` +
        `${formatPercent(row.cpuCost.median)} of records per CPU-second (medians of per-round costs)`,
    });
  }
  for (const row of segments.filter((r) => r.mode === 'exactly-once' && r.intervalMs === 1000)) {
    checks.push({
      target: `exactly-once at 1 s costs ≤ ${formatPercent(maxCost, 0)} of the throughput, same job`,
      configId: `segments/${row.shape}`,
      met: row.cost.median <= maxCost && row.cpuCost.median <= maxCost,
      detail:
        `cost ${formatPercent(row.cost.median)} of records/s, ` +
        `${formatPercent(row.cpuCost.median)} of records per CPU-second (medians over ${row.cost.runs.length} cycles)`,
    });
  }
  const maxSync = TARGETS.syncPartMaxMs;
  for (const row of rows.filter((r) => r.syncMs.count > 0 && isExactlyOnceAt1s(r))) {
    checks.push({
      target: `synchronous part < ${formatDuration(maxSync)} per subtask (state ${row.config.state.name})`,
      configId: row.config.id,
      met: row.syncMs.max < maxSync,
      detail:
        `${row.syncMs.count} subtask snapshots: p50 ${formatDuration(row.syncMs.p50)}, ` +
        `p99 ${formatDuration(row.syncMs.p99)}, max ${formatDuration(row.syncMs.max)}`,
    });
  }
  for (const result of syncPart) {
    checks.push({
      target: `synchronous part < ${formatDuration(maxSync)} per subtask, alone (state ${result.state})`,
      configId: 'sync-part',
      met: result.wallMs.p99 < maxSync,
      detail:
        `${result.wallMs.count} snapshots: p50 ${formatDuration(result.wallMs.p50)}, ` +
        `p99 ${formatDuration(result.wallMs.p99)}, max ${formatDuration(result.wallMs.max)}, ` +
        `CPU ${formatDuration(result.meanCpuMs)} each`,
    });
  }
  return checks;
}

/** The checks as report lines. */
export function targetsText(checks: readonly TargetCheck[]): string {
  return [
    'targets:',
    ...checks.map((c) => `  ${c.met ? 'met    ' : 'NOT met'}  ${c.target}: ${c.configId}: ${c.detail}`),
  ].join('\n');
}
