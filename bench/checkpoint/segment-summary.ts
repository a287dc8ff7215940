/**
 * The paired experiment's figures: for each shape, mode and interval, the cost of checkpointing as
 * 1 − rate with checkpoints / rate without, per cycle (both segments from the same cycle of the same
 * job), summarised over the cycles; on the wall-clock rate and on the CPU-normalised rate.
 */
import { type Spread, spreadOf } from '../jobs-support/spread.ts';
import { median } from '../support/stats.ts';
import type { Segment } from './segments.ts';

export interface SegmentRow {
  readonly shape: string;
  readonly mode: Segment['mode'];
  readonly intervalMs: number;
  readonly offRecordsPerSecond: number;
  readonly onRecordsPerSecond: number;
  readonly cost: Spread;
  readonly cpuCost: Spread;
  readonly checkpointsPerSegment: number;
  readonly durationP50Ms: number;
}

export function summariseSegments(segments: readonly Segment[]): SegmentRow[] {
  const rows: SegmentRow[] = [];
  const groups = new Map<string, Segment[]>();
  for (const s of segments) {
    const key = `${s.shape}/${s.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const group of groups.values()) {
    const off = group.filter((s) => s.intervalMs === null);
    const intervals = [...new Set(group.flatMap((s) => (s.intervalMs === null ? [] : [s.intervalMs])))];
    for (const intervalMs of intervals) {
      const on = group.filter((s) => s.intervalMs === intervalMs);
      const paired = (rate: (s: Segment) => number): Spread =>
        spreadOf(
          on.map((s) => {
            const base = off.find((o) => o.cycle === s.cycle);
            return base === undefined ? Number.NaN : 1 - rate(s) / rate(base);
          }),
        );
      rows.push({
        shape: group[0]!.shape,
        mode: group[0]!.mode,
        intervalMs,
        offRecordsPerSecond: median(off.map((s) => s.recordsPerSecond)),
        onRecordsPerSecond: median(on.map((s) => s.recordsPerSecond)),
        cost: paired((s) => s.recordsPerSecond),
        cpuCost: paired((s) => s.recordsPerCpuSecond),
        checkpointsPerSegment: median(on.map((s) => s.checkpoints)),
        durationP50Ms: median(on.flatMap((s) => s.durationsMs)),
      });
    }
  }
  return rows;
}
