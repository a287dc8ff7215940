/** Plain-text tables for benchmark reports: a header row, a rule, then rows; numbers right-aligned. */

/** One column: its title and how its cells are aligned. */
export interface Column {
  readonly title: string;
  readonly align?: 'left' | 'right';
}

/** Renders `rows` (one string per column) under `columns`, padding every cell to its column width. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(width(c.title), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => pad(cells[i] ?? '', widths[i]!, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.title)), rule, ...rows.map((r) => line(r))].join('\n');
}

function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return align === 'right' ? fill + s : s + fill;
}
