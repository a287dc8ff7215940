/**
 * The checkpoint benchmark's tables: throughput per configuration (median over the rounds, range,
 * cost against checkpoints off, CPU-normalised rate, cores used and waited for), and the
 * checkpoints' figures (count, duration, alignment, synchronous and asynchronous parts, start
 * delay, size).
 */
import { formatPercent, type Spread } from '../jobs-support/spread.ts';
import { formatDuration, formatRate } from '../support/format.ts';
import { formatTable } from '../support/table.ts';
import { settingLabel } from './plan.ts';
import type { SegmentRow } from './segment-summary.ts';
import type { Distribution, Row } from './summary.ts';
import type { SyncPartResult } from './sync-part.ts';

const right = { align: 'right' } as const;

function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toPrecision(3)} MB` : '–';
}

function ms(d: Distribution, field: 'p50' | 'p99' | 'max'): string {
  return d.count === 0 ? '–' : formatDuration(d[field]);
}

function cost(row: Row, value: Spread): string {
  if (row.config.setting.intervalMs === null) return 'baseline';
  const range =
    value.runs.length > 1 ? ` (${formatPercent(value.min, 0)}…${formatPercent(value.max, 0)})` : '';
  return `${formatPercent(value.median)}${range}`;
}

export function throughputTable(rows: readonly Row[]): string {
  return formatTable(
    [
      { title: 'input' },
      { title: 'state' },
      { title: 'checkpoints' },
      { title: 'records/s', ...right },
      { title: 'range', ...right },
      { title: 'cost', ...right },
      { title: 'records/CPU-s', ...right },
      { title: 'CPU cost', ...right },
      { title: 'cores used', ...right },
      { title: 'cores waited', ...right },
    ],
    rows.map((r) => [
      r.config.shape.name,
      r.config.state.name,
      settingLabel(r.config.setting),
      formatRate(r.recordsPerSecond.median),
      `${formatRate(r.recordsPerSecond.min)}–${formatRate(r.recordsPerSecond.max)}`,
      cost(r, r.cost),
      formatRate(r.recordsPerCpuSecond.median),
      cost(r, r.cpuCost),
      r.coresUsed.toFixed(2),
      r.coresWaited.toFixed(2),
    ]),
  );
}

export function checkpointTable(rows: readonly Row[]): string {
  const withCheckpoints = rows.filter((r) => r.config.setting.intervalMs !== null);
  return formatTable(
    [
      { title: 'input' },
      { title: 'state' },
      { title: 'checkpoints' },
      { title: 'n/round', ...right },
      { title: 'failed', ...right },
      { title: 'duration p50', ...right },
      { title: 'p99', ...right },
      { title: 'alignment p50', ...right },
      { title: 'p99', ...right },
      { title: 'sync p50', ...right },
      { title: 'p99', ...right },
      { title: 'max', ...right },
      { title: 'async p50', ...right },
      { title: 'start delay p50', ...right },
      { title: 'size', ...right },
    ],
    withCheckpoints.map((r) => [
      r.config.shape.name,
      r.config.state.name,
      settingLabel(r.config.setting),
      String(r.checkpointsPerRound),
      String(r.failedCheckpoints),
      ms(r.durationMs, 'p50'),
      ms(r.durationMs, 'p99'),
      ms(r.alignmentMs, 'p50'),
      ms(r.alignmentMs, 'p99'),
      ms(r.syncMs, 'p50'),
      ms(r.syncMs, 'p99'),
      ms(r.syncMs, 'max'),
      ms(r.asyncMs, 'p50'),
      ms(r.startDelayMs, 'p50'),
      mb(r.stateBytes),
    ]),
  );
}

export function syncPartTable(results: readonly SyncPartResult[]): string {
  return formatTable(
    [
      { title: 'state' },
      { title: 'keys', ...right },
      { title: 'key groups', ...right },
      { title: 'snapshots', ...right },
      { title: 'wall p50', ...right },
      { title: 'p99', ...right },
      { title: 'max', ...right },
      { title: 'CPU mean', ...right },
      { title: 'thread waited', ...right },
    ],
    results.map((r) => [
      r.state,
      String(r.keys),
      String(r.keyGroups),
      String(r.wallMs.count),
      ms(r.wallMs, 'p50'),
      ms(r.wallMs, 'p99'),
      ms(r.wallMs, 'max'),
      formatDuration(r.meanCpuMs),
      formatDuration(r.waitedMs),
    ]),
  );
}

export function segmentTable(rows: readonly SegmentRow[]): string {
  const withRange = (v: Spread): string =>
    `${formatPercent(v.median)}${v.runs.length > 1 ? ` (${formatPercent(v.min, 0)}…${formatPercent(v.max, 0)})` : ''}`;
  return formatTable(
    [
      { title: 'input' },
      { title: 'mode' },
      { title: 'interval', ...right },
      { title: 'records/s off', ...right },
      { title: 'on', ...right },
      { title: 'cost (range over cycles)', ...right },
      { title: 'CPU cost', ...right },
      { title: 'checkpoints/segment', ...right },
      { title: 'duration p50', ...right },
    ],
    rows.map((r) => [
      r.shape,
      r.mode,
      formatDuration(r.intervalMs),
      formatRate(r.offRecordsPerSecond),
      formatRate(r.onRecordsPerSecond),
      withRange(r.cost),
      withRange(r.cpuCost),
      String(r.checkpointsPerSegment),
      formatDuration(r.durationP50Ms),
    ]),
  );
}
