/**
 * Repeated measurements of one figure summarised as median, range and spread ((max - min) /
 * median), the way every benchmark table of these subjects reports repeat runs.
 */
import { median } from '../support/stats.ts';

/** Median, extremes and spread of a figure over repeat runs. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median; 0 for a single run. */
  readonly spread: number;
  readonly runs: readonly number[];
}

/** Summarises `values` (NaN and non-finite values are left out; all NaN when none remain). */
export function spreadOf(values: readonly number[]): Spread {
  const runs = values.filter((v) => Number.isFinite(v));
  if (runs.length === 0)
    return { median: Number.NaN, min: Number.NaN, max: Number.NaN, spread: Number.NaN, runs };
  const m = median(runs);
  const min = Math.min(...runs);
  const max = Math.max(...runs);
  return { median: m, min, max, spread: m === 0 ? 0 : (max - min) / m, runs };
}

/** `12.3 %` style percentage of a ratio. */
export function formatPercent(ratio: number, digits = 1): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(digits)} %` : 'n/a';
}
