/**
 * The `weir chaos` report on a terminal: a table of runs, the differences of failing runs (which
 * output, first differing records, how to replay), totals, diagnoses and the verdict.
 */
import type { DisplayTarget } from '../progress-display.ts';
import type { OutputDifference } from './chaos-output.ts';
import type { ChaosReport, RunSummary } from './chaos-verdict.ts';

export function writeReport(report: ChaosReport, out: DisplayTarget): void {
  const lines: string[] = [];
  lines.push(
    `weir chaos ${report.job}: seed ${report.seed}, ${report.mode}, ` +
      `parallelism ${report.parallelism ?? 'default'}, checkpoints every ${report.checkpointIntervalMs} ms`,
  );
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  const reference = Object.entries(report.reference).map(([name, n]) => `${name} ${n} lines`);
  lines.push(`failure-free output: ${reference.length > 0 ? reference.join(', ') : 'none'}`);
  lines.push('');
  const rows = report.runs.map((run) => [
    run.name,
    run.faults.length === 0 ? '-' : `${run.fired}/${run.faults.length} ${run.faults.join('; ')}`,
    String(run.restarts),
    String(run.checkpointsRestored),
    String(run.kills),
    verdictOf(run),
  ]);
  lines.push(...table(['run', 'faults (fired/planned)', 'restarts', 'restored', 'kills', 'result'], rows));
  for (const run of report.runs) {
    if (run.pass) continue;
    if (run.error) lines.push(`run ${run.name}: ${run.error}`);
    for (const difference of run.differences)
      lines.push(`run ${run.name}: ${describeDifference(difference)}`);
  }
  const t = report.totals;
  const injected = Object.entries(t.injected)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  lines.push('');
  lines.push(
    `runs ${t.runs}; failures injected: ${injected}; restarts ${t.restarts}; checkpoints restored ${t.checkpointsRestored}`,
  );
  lines.push(`records lost ${t.lost}, duplicated ${t.duplicates}, unexpected ${t.unexpected}`);
  for (const diagnosis of report.diagnoses) lines.push(`cause (${diagnosis.cause}): ${diagnosis.message}`);
  if (report.replay) lines.push(`replay the first failing run: ${report.replay}`);
  lines.push(`verdict: ${report.verdict.toUpperCase()}`);
  out.write(`${lines.join('\n')}\n`);
}

function verdictOf(run: RunSummary): string {
  if (run.outcome !== 'finished') return `FAIL (${run.outcome})`;
  if (run.differences.length === 0) return 'pass';
  const lost = sum(run.differences, 'missing');
  const dup = sum(run.differences, 'duplicates');
  const odd = sum(run.differences, 'unexpected');
  return `${run.pass ? 'pass' : 'FAIL'} (${[`lost ${lost}`, `dup ${dup}`, `unexpected ${odd}`].join(', ')})`;
}

function describeDifference(d: OutputDifference): string {
  const parts = [`${d.output}: ${d.missing} lost, ${d.duplicates} duplicated, ${d.unexpected} unexpected`];
  if (d.examples.missing.length > 0) parts.push(`first lost ${d.examples.missing.map(quote).join(', ')}`);
  if (d.examples.duplicates.length > 0)
    parts.push(`first duplicated ${d.examples.duplicates.map(quote).join(', ')}`);
  if (d.examples.unexpected.length > 0)
    parts.push(`first unexpected ${d.examples.unexpected.map(quote).join(', ')}`);
  return parts.join('; ');
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 77)}...` : line);
}

function sum(differences: readonly OutputDifference[], key: 'missing' | 'duplicates' | 'unexpected'): number {
  return differences.reduce((n, d) => n + d[key], 0);
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
