// The report from fixed result files: the expected Markdown tables (medians, costs against
// checkpoints off, checkpoint figures, latency percentiles) and valid SVG plots with their marks and
// axes; `weir report` regenerates the same files from the JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../bench/experiments/report/write-report.ts';
import { readResult } from '../../bench/experiments/result-file.ts';
import { InvalidOptionError } from '../../src/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.json`, import.meta.url));

/** Parses an SVG strictly (any XML error throws) and returns its root element. */
function parseSvg(svg: string): Element {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`invalid SVG (${level}): ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  const rootElement = doc.documentElement;
  if (rootElement === null) throw new Error('no root element');
  return rootElement;
}

/** `class` attributes of every `<g>` in the SVG (Vega names marks and axes there). */
function groupClasses(svg: Element): string[] {
  return Array.from(svg.getElementsByTagName('g')).map((g) => g.getAttribute('class') ?? '');
}

function texts(svg: Element): string[] {
  return Array.from(svg.getElementsByTagName('text')).map((t) => t.textContent ?? '');
}

describe('experiment report', () => {
  it('renders the alignment tables with medians, costs and checkpoint figures', async () => {
    const { markdown, svgs } = await renderReport([readResult(fixture('alignment'))], 'fixture');
    expect(markdown).toContain('## Alignment overhead (`alignment`) — quick smoke run');
    expect(markdown).toContain('| `modes` | off, exactly-once |');
    expect(markdown).toContain(
      '| interval | mode | throughput (records/s) | cost vs off | checkpoints | alignment p50 / max | duration p50 / max | start delay p50 | state |',
    );
    // Two repeats at 0.99 and 1.01 × 100 000: median 100 k, spread ±1 %.
    expect(markdown).toContain('| – | off | 100 k ±1.0 % | – | – | – | – | – | – |');
    // 90 000 against 100 000: 10 % cost; 6 checkpoints pooled, alignment 20 ms p50 and 30 ms max.
    expect(markdown).toContain(
      '| 100 ms | exactly-once @ 100 ms | 90.0 k ±1.0 % | 10.0 % | 6 | 20.0 ms / 30.0 ms | 42.0 ms / 43.0 ms | 5.00 ms | 1.10 MB |',
    );
    expect(markdown).toContain('| slow-input | exactly-once @ 100 ms | 90.0 k ±1.0 % | 10.0 % |');
    expect(svgs.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'fixture-alignment-interval-throughput.svg',
        'fixture-alignment-skew-alignment.svg',
      ]),
    );
    for (const [name] of svgs) expect(markdown).toContain(`](${name})`);
  });

  it('renders valid SVG plots with marks, axes and the parameters in the title', async () => {
    const { svgs } = await renderReport([readResult(fixture('alignment'))], 'fixture');
    const [, svg] = svgs.find(([name]) => name.endsWith('interval-throughput.svg'))!;
    const root = parseSvg(svg);
    expect(root.tagName).toBe('svg');
    const classes = groupClasses(root);
    expect(classes.some((c) => c.includes('mark-line'))).toBe(true);
    expect(classes.some((c) => c.includes('mark-rule'))).toBe(true);
    expect(classes.some((c) => c.includes('role-axis'))).toBe(true);
    expect(classes.some((c) => c.includes('role-legend'))).toBe(true);
    const words = texts(root).join(' ');
    expect(words).toContain('checkpoint interval (ms)');
    expect(words).toContain('throughput (records/s)');
    expect(words).toContain('p = 2, 2 input channels');
    const [, bars] = svgs.find(([name]) => name.endsWith('skew-throughput.svg'))!;
    expect(groupClasses(parseSvg(bars)).some((c) => c.includes('mark-rect'))).toBe(true);
  });

  it('renders latency percentiles and percentile curves per mode', async () => {
    const { markdown, svgs } = await renderReport([readResult(fixture('latency'))], 'fixture');
    expect(markdown).toContain(
      '| load | offered (records/s) | mode | throughput | p50 | p90 | p99 | p99.9 | max | in-pipeline p99 | checkpoints | alignment p50 |',
    );
    // 990 values 1000..1989 µs and 10 at 20 ms (exactly-once): p50 = 1.50 ms at 3 digits, p99.9 and max 20 ms.
    expect(markdown).toMatch(
      /\| 50 % \| 45\.0 k ±0\.0 % \| exactly-once @ 200 ms \| 90\.0 k ±1\.0 % \| 1\.50 ms \(1\.50 ms–1\.50 ms\) \| 1\.90 ms \(1\.90 ms–1\.90 ms\) \| 1\.99 ms \(1\.99 ms–1\.99 ms\) \| 20\.0 ms \(20\.0 ms–20\.0 ms\) \|/,
    );
    expect(markdown).toMatch(/\| node-stream \(1 thread\) \|/);
    // 90 000 against 95 000 records/s; p99.9 20 ms against 5 ms.
    expect(markdown).toContain('| 50 % | 0.95× | 1.00× | 1.00× | 4.00× | 4.00× |');
    const [, curves] = svgs.find(([name]) => name.includes('curves'))!;
    const root = parseSvg(curves);
    const words = texts(root).join(' ');
    expect(words).toContain('percentile');
    expect(words).toContain('end-to-end latency (ms)');
    expect(words).toContain('99.9%');
    expect(words).toContain('exactly-once');
    expect(words).toContain('at-least-once');
    expect(words).toContain('50 % load');
    expect(groupClasses(root).filter((c) => c.includes('mark-line')).length).toBeGreaterThanOrEqual(2);
  });

  it('renders the interval sweep with its overhead plot', async () => {
    const { markdown, svgs } = await renderReport([readResult(fixture('interval-sweep'))], 'fixture');
    expect(markdown).toContain('| 100 ms | at-least-once @ 100 ms | 95.0 k ±1.0 % | 5.0 % | 6 |');
    const [, overhead] = svgs.find(([name]) => name.endsWith('interval-sweep-overhead.svg'))!;
    expect(texts(parseSvg(overhead)).join(' ')).toContain('throughput cost vs checkpoints off (%)');
  });

  it('refuses a file that is not a result, naming it', () => {
    expect(() => readResult(fileURLToPath(new URL('../../package.json', import.meta.url)))).toThrow(
      InvalidOptionError,
    );
  });

  it('`weir report` regenerates the report from the JSON files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-report-'));
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['bin/weir.mjs', 'report', fixture('alignment'), fixture('latency'), '--out', dir, '--name', 'all'],
          { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
        );
        child.on('error', reject);
        child.on('close', resolve);
      });
      expect(code).toBe(0);
      const files = readdirSync(dir);
      expect(files).toContain('all.md');
      const markdown = readFileSync(join(dir, 'all.md'), 'utf8');
      expect(markdown).toContain('# weir experiments: alignment, latency');
      const expected = await renderReport(
        [readResult(fixture('alignment')), readResult(fixture('latency'))],
        'all',
      );
      expect(markdown).toBe(expected.markdown);
      for (const [name, svg] of expected.svgs) expect(readFileSync(join(dir, name), 'utf8')).toBe(svg);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
