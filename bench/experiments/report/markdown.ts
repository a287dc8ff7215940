/** Markdown tables and number cells for the experiment report. */
import type { Spread } from '../../jobs-support/spread.ts';
import { formatDuration, formatRate } from '../../support/format.ts';

/** A GitHub-flavoured Markdown table; `align` per column ('r' right-aligns numbers). */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align = '',
): string {
  const escapeCell = (s: string): string => s.replaceAll('|', '\\|');
  const rule = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [headers, rule, ...rows].map((r) => `| ${r.map(escapeCell).join(' | ')} |`).join('\n');
}

/** A rate's median with its spread over repeats, e.g. `812 k ±3 %`. */
export function rateCell(s: Spread): string {
  if (!Number.isFinite(s.median)) return 'n/a';
  return s.runs.length > 1
    ? `${formatRate(s.median)} ±${(s.spread * 50).toFixed(1)} %`
    : formatRate(s.median);
}

/** A duration's median (ms in, µs/ms/s out), with the range over repeats when there are several. */
export function durationCell(s: Spread): string {
  if (!Number.isFinite(s.median)) return 'n/a';
  return s.runs.length > 1
    ? `${formatDuration(s.median)} (${formatDuration(s.min)}–${formatDuration(s.max)})`
    : formatDuration(s.median);
}

/** A duration in ms, or `–` when there is none (NaN). */
export function msCell(ms: number): string {
  return Number.isFinite(ms) ? formatDuration(ms) : '–';
}

/** A signed percentage of a ratio, or `–`. */
export function percentCell(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '–';
}

/** Bytes as kB/MB. */
export function bytesCell(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  return bytes >= 1e6 ? `${(bytes / 1e6).toPrecision(3)} MB` : `${(bytes / 1e3).toPrecision(3)} kB`;
}
