/**
 * Turns an entry's samples into the figures the report shows: median rate, the range of rates over
 * the rounds, CPU time, start-up (the empty-input run) and the rate with start-up taken out.
 */
import { median } from '../support/stats.ts';
import type { Entry } from './plan.ts';
import type { Sample } from './trials.ts';

/** The figures of one entry. */
export interface RowSummary {
  readonly id: string;
  readonly label: string;
  readonly threads: string;
  readonly unit: 'line' | 'record';
  /** Units each full run processed. */
  readonly units: number;
  readonly runsMs: readonly number[];
  readonly medianMs: number;
  /** Median CPU time of a run, all threads of the process. */
  readonly medianCpuMs: number;
  /** Units per second of the median run, end to end: the figure the targets are checked on. */
  readonly rate: number;
  /** Units per second of the slowest and the fastest run. */
  readonly rateMin: number;
  readonly rateMax: number;
  /** (fastest - slowest) / median rate: how much the rounds disagreed. */
  readonly spread: number;
  /** Median wall time of the empty-input run (start-up and shutdown), when measured. */
  readonly emptyInputMs: number | undefined;
  /** Units per second over (median time - empty-input time): an estimate of the steady rate. */
  readonly rateWithoutStartup: number | undefined;
}

export function summarise(entry: Entry, samples: ReadonlyMap<string, readonly Sample[]>): RowSummary {
  const runs = samples.get(entry.full.name) ?? [];
  const runsMs = runs.map((s) => s.ms);
  const medianMs = median(runsMs);
  const rate = entry.units / (medianMs / 1000);
  const rateMin = entry.units / (Math.max(...runsMs) / 1000);
  const rateMax = entry.units / (Math.min(...runsMs) / 1000);
  const empty = entry.empty ? samples.get(entry.empty.name) : undefined;
  const emptyInputMs = empty ? median(empty.map((s) => s.ms)) : undefined;
  return {
    id: entry.id,
    label: entry.label,
    threads: entry.threads,
    unit: entry.unit,
    units: entry.units,
    runsMs,
    medianMs,
    medianCpuMs: median(runs.map((s) => s.cpuMs)),
    rate,
    rateMin,
    rateMax,
    spread: (rateMax - rateMin) / rate,
    emptyInputMs,
    rateWithoutStartup:
      emptyInputMs === undefined || emptyInputMs >= medianMs
        ? undefined
        : entry.units / ((medianMs - emptyInputMs) / 1000),
  };
}
