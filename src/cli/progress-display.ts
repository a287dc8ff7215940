/**
 * What the CLI shows while a job runs: one status line per second (elapsed time, records read,
 * records per second into the job and out of it into its sinks, the latest checkpoint, restarts),
 * rewritten in place on a terminal, appended otherwise; and a summary table at the end.
 */
import type { JobProgress, OperatorMetrics } from '../runtime/job-progress.ts';

/** Where the display writes; a TTY gets in-place updates. */
export interface DisplayTarget {
  write(text: string): void;
  readonly isTTY?: boolean;
}

export class ProgressDisplay {
  readonly #out: DisplayTarget;
  readonly #sourceUids: ReadonlySet<string>;
  readonly #sinkUids: ReadonlySet<string>;
  #last: { at: number; records: number; out: number; attempt: number } = {
    at: 0,
    records: 0,
    out: 0,
    attempt: 1,
  };
  #checkpoint: number | undefined;
  #lastPrinted = Number.NEGATIVE_INFINITY;
  #pendingLine = false;
  #offset = 0;

  constructor(out: DisplayTarget, sourceUids: Iterable<string>, sinkUids: Iterable<string> = []) {
    this.#out = out;
    this.#sourceUids = new Set(sourceUids);
    this.#sinkUids = new Set(sinkUids);
  }

  /** The latest completed checkpoint, for the status line. */
  checkpoint(checkpointId: number): void {
    this.#checkpoint = checkpointId;
  }

  /** Takes a progress report; prints at most once a second. */
  update(progress: JobProgress): void {
    if (progress.elapsedMs - this.#lastPrinted < 1000) return;
    this.#lastPrinted = progress.elapsedMs;
    const records = this.#sourceRecords(progress.operators);
    const out = sumOf(progress.operators, this.#sinkUids);
    const dt = (progress.elapsedMs - this.#last.at) / 1000;
    // Counts restart with every attempt: no rate across a restart.
    const same = progress.attempt === this.#last.attempt && dt > 0;
    const rateIn = same ? Math.max(0, records - this.#last.records) / dt : 0;
    const rateOut = same ? Math.max(0, out - this.#last.out) / dt : 0;
    this.#last = { at: progress.elapsedMs, records, out, attempt: progress.attempt };
    const restarts = Math.max(0, progress.attempt - 1);
    const parts = [
      `[${formatDuration(progress.elapsedMs)}] ${formatCount(records)} records read`,
      `${formatCount(rateIn)} records/s in`,
      ...(this.#sinkUids.size > 0 ? [`${formatCount(rateOut)} records/s out`] : []),
      ...(this.#checkpoint === undefined ? [] : [`checkpoint ${this.#checkpoint}`]),
      ...(restarts === 0 ? [] : [`${restarts} restart${restarts === 1 ? '' : 's'}`]),
    ];
    this.line(parts.join(', '));
  }

  /** Prints a status line (in place on a TTY). */
  line(text: string): void {
    if (this.#out.isTTY) {
      this.#out.write(`\r\x1b[2K${text}`);
      this.#pendingLine = true;
    } else {
      this.#out.write(`${text}\n`);
    }
  }

  /** Prints a permanent message, above the status line. */
  message(text: string): void {
    this.#endLine();
    this.#out.write(`${text}\n`);
  }

  /** Prints the end-of-job summary. */
  summary(title: string, progress: JobProgress): void {
    this.#endLine();
    const records = this.#sourceRecords(progress.operators);
    const seconds = progress.elapsedMs / 1000;
    this.#out.write(
      `${title} in ${formatDuration(progress.elapsedMs)}: ${records.toLocaleString('en-US')} records read, ${formatCount(records / Math.max(seconds, 1e-9))} records/s\n`,
    );
    const header = progress.attempt > 1 ? `records in (attempt ${progress.attempt})` : 'records in';
    const rows = progress.operators.map((o) => [
      o.name,
      o.uid,
      String(o.parallelism),
      formatCount(o.records),
    ]);
    this.#out.write(table(['operator', 'uid', 'parallelism', header], rows));
  }

  #endLine(): void {
    if (this.#pendingLine) this.#out.write('\n');
    this.#pendingLine = false;
  }

  /** Records the sources emitted in the current attempt. */
  sourceRecords(operators: readonly OperatorMetrics[]): number {
    return operators.filter((o) => this.#sourceUids.has(o.uid)).reduce((sum, o) => sum + o.records, 0);
  }

  /** A restart resumed after `records` records: later counts (per attempt) are shown on top of it. */
  offset(records: number): void {
    this.#offset = records;
    this.#last = { ...this.#last, records };
  }

  #sourceRecords(operators: readonly OperatorMetrics[]): number {
    return this.#offset + this.sourceRecords(operators);
  }
}

function sumOf(operators: readonly OperatorMetrics[], uids: ReadonlySet<string>): number {
  return operators.filter((o) => uids.has(o.uid)).reduce((sum, o) => sum + o.records, 0);
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(Math.round(n));
}

/** Bytes in B, KiB or MiB. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatDuration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A plain-text table with aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return `${[render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)].join('\n')}\n`;
}
