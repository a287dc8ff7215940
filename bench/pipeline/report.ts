/**
 * The readable report of the pipeline benchmark: a table of rows (rates, their range over the
 * rounds, speed-up over a baseline, CPU time, start-up) and the targets with their measured values.
 */
import { formatDuration, formatRate, formatRatio } from '../support/format.ts';
import { formatTable } from '../support/table.ts';
import type { RowSummary } from './summary.ts';

/** One target of the issue and whether it was met. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

function optional(value: number | undefined, format: (v: number) => string): string {
  return value === undefined ? '–' : format(value);
}

/**
 * A table of `rows` headed by `title`; with `baseline` (a row id), a column of speed-ups over that
 * row's median rate.
 */
export function resultsTable(title: string, rows: readonly RowSummary[], baseline?: string): string {
  const unit = rows[0]?.unit ?? 'line';
  const base = rows.find((r) => r.id === baseline);
  return formatTable(
    [
      { title },
      { title: 'threads' },
      { title: `${unit}s/s`, align: 'right' },
      { title: 'range', align: 'right' },
      { title: 'spread', align: 'right' },
      ...(base ? [{ title: `× ${base.id}`, align: 'right' as const }] : []),
      { title: 'time', align: 'right' },
      { title: 'empty input', align: 'right' },
      { title: `${unit}s/s w/o start-up`, align: 'right' },
      { title: 'CPU time', align: 'right' },
      { title: `CPU µs/${unit}`, align: 'right' },
    ],
    rows.map((r) => [
      r.label,
      r.threads,
      formatRate(r.rate),
      `${formatRate(r.rateMin)}–${formatRate(r.rateMax)}`,
      `${(100 * r.spread).toFixed(0)} %`,
      ...(base ? [formatRatio(r.rate / base.rate)] : []),
      formatDuration(r.medianMs),
      optional(r.emptyInputMs, formatDuration),
      optional(r.rateWithoutStartup, formatRate),
      formatDuration(r.medianCpuMs),
      ((1000 * r.medianCpuMs) / r.units).toPrecision(3),
    ]),
  );
}

export function targetsText(checks: readonly TargetCheck[]): string {
  const lines = checks.map((c) => `  ${c.met ? 'met    ' : 'NOT MET'}  ${c.target}: ${c.measured}`);
  return ['targets (median end-to-end rates):', ...lines].join('\n');
}
