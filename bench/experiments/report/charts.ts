/**
 * The report's plots as Vega-Lite specifications (rendered by render-svg.ts): latency percentile
 * curves per mode, throughput, overhead and alignment against the interval, and the skew,
 * parallelism and input-channel comparisons. Every chart's subtitle states its parameters; points
 * are medians over repeats and error bars span min–max.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { TrialConfig } from '../config.ts';
import type { ConfigSummary } from './aggregate.ts';

/** A chart: file stem, caption (Markdown, states the parameters) and specification. */
export interface Chart {
  readonly name: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const MODE_ORDER = ['off', 'exactly-once', 'at-least-once', 'node-stream'];
const colour = { field: 'series', type: 'nominal', title: 'mode', sort: MODE_ORDER } as const;
const WIDTH = 360;
const HEIGHT = 220;

/** The series a configuration belongs to: its mode, or the peer's name. */
export function seriesOf(s: ConfigSummary): string {
  return s.config.peer === 'weir' ? `${s.config.mode}${variantOf(s.config)}` : s.config.peer;
}

/** What sets a configuration apart beyond its mode: barrier kind, debloating (`''` for the defaults). */
export function variantOf(c: TrialConfig): string {
  const barriers = c.barriers === undefined || c.barriers === 'aligned' ? '' : `, ${c.barriers}`;
  const debloat =
    c.inFlightTargetMs === undefined
      ? ''
      : c.inFlightTargetMs === false
        ? ', no debloating'
        : `, debloating ${c.inFlightTargetMs} ms`;
  return `${barriers}${debloat}`;
}

function title(text: string, subtitle: string): TopLevelSpec['title'] {
  return { text, subtitle, subtitleFontSize: 10, anchor: 'start' };
}

/** Median line with min–max error bars of `y` against a log-scale interval. */
function againstInterval(
  rows: readonly Record<string, unknown>[],
  y: { field: string; lo: string; hi: string; title: string; format?: string },
): TopLevelSpec {
  const x = {
    field: 'interval',
    type: 'quantitative',
    scale: { type: 'log', nice: false, padding: 12 },
    title: 'checkpoint interval (ms)',
  } as const;
  return {
    data: { values: rows as Record<string, unknown>[] },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: y.field,
            type: 'quantitative',
            title: y.title,
            axis: y.format ? { format: y.format } : {},
          },
          color: colour,
        },
      },
      {
        mark: { type: 'rule' },
        encoding: { x, y: { field: y.lo, type: 'quantitative' }, y2: { field: y.hi }, color: colour },
      },
    ],
  } as TopLevelSpec;
}

/** Throughput and alignment against the interval (experiment 1's interval dimension, experiment 3). */
export function intervalCharts(
  prefix: string,
  summaries: readonly ConfigSummary[],
  overhead: (s: ConfigSummary, throughput: number) => number,
  subtitle: string,
): Chart[] {
  const checkpointed = summaries.filter((s) => s.config.intervalMs !== null && s.config.mode !== 'off');
  const rows = checkpointed.map((s) => ({
    series: seriesOf(s),
    interval: s.config.intervalMs,
    throughput: s.throughput.median,
    throughputMin: s.throughput.min,
    throughputMax: s.throughput.max,
    overhead: overhead(s, s.throughput.median) * 100,
    overheadMin: overhead(s, s.throughput.max) * 100,
    overheadMax: overhead(s, s.throughput.min) * 100,
    alignment: s.checkpoints.alignmentP50,
    alignmentMax: s.checkpoints.alignmentMax,
    alignmentMin: 0,
    duration: s.checkpoints.durationP50,
    durationMin: s.checkpoints.durationP50,
    durationMax: s.checkpoints.durationMax,
  }));
  const tput = againstInterval(rows, {
    field: 'throughput',
    lo: 'throughputMin',
    hi: 'throughputMax',
    title: 'throughput (records/s)',
    format: '~s',
  });
  const over = againstInterval(rows, {
    field: 'overhead',
    lo: 'overheadMin',
    hi: 'overheadMax',
    title: 'throughput cost vs checkpoints off (%)',
  });
  const align = againstInterval(rows, {
    field: 'alignment',
    lo: 'alignmentMin',
    hi: 'alignmentMax',
    title: 'alignment, p50 (bar: to max) (ms)',
  });
  const duration = againstInterval(rows, {
    field: 'duration',
    lo: 'durationMin',
    hi: 'durationMax',
    title: 'checkpoint duration, p50 (bar: to max) (ms)',
  });
  return [
    {
      name: `${prefix}-throughput`,
      caption: `Throughput at saturation against the checkpoint interval. ${subtitle}`,
      spec: { ...tput, title: title('Throughput vs checkpoint interval', subtitle) } as TopLevelSpec,
    },
    {
      name: `${prefix}-overhead`,
      caption: `Throughput cost against the same job without checkpoints. ${subtitle}`,
      spec: { ...over, title: title('Throughput cost vs checkpoint interval', subtitle) } as TopLevelSpec,
    },
    {
      name: `${prefix}-alignment`,
      caption: `Alignment time per checkpoint (slowest subtask) against the interval. ${subtitle}`,
      spec: { ...align, title: title('Alignment time vs checkpoint interval', subtitle) } as TopLevelSpec,
    },
    {
      name: `${prefix}-duration`,
      caption: `Checkpoint duration (trigger to completion) against the interval. ${subtitle}`,
      spec: {
        ...duration,
        title: title('Checkpoint duration vs checkpoint interval', subtitle),
      } as TopLevelSpec,
    },
  ];
}

/** Grouped bars of a figure per category and mode, with min–max rules. */
export function groupedBars(
  name: string,
  heading: string,
  caption: string,
  rows: readonly { category: string; series: string; value: number; min: number; max: number }[],
  axis: { category: string; value: string },
): Chart {
  const x = {
    field: 'category',
    type: 'nominal',
    title: axis.category,
    sort: null,
    axis: { labelAngle: 0 },
  } as const;
  const spec = {
    title: title(heading, caption),
    data: { values: rows as unknown as Record<string, unknown>[] },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset: { field: 'series', sort: MODE_ORDER },
          y: { field: 'value', type: 'quantitative', title: axis.value, axis: { format: '~s' } },
          color: colour,
        },
      },
      {
        mark: { type: 'rule' },
        encoding: {
          x,
          xOffset: { field: 'series', sort: MODE_ORDER },
          y: { field: 'min', type: 'quantitative' },
          y2: { field: 'max' },
        },
      },
    ],
  } as TopLevelSpec;
  return { name, caption: `${heading}. ${caption}`, spec };
}

/** Percentiles plotted, and the x position of each on the "1 / (1 − q)" scale. */
const CURVE_PERCENTILES = [50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];

/**
 * Latency percentile curves (HdrHistogram style: x is 1 / (1 − q), log scale, labelled by
 * percentile; y log scale), one line per mode, one panel per offered load.
 */
export function latencyCurves(
  name: string,
  heading: string,
  summaries: readonly ConfigSummary[],
  subtitle: string,
): Chart {
  const rows = summaries.flatMap((s) =>
    CURVE_PERCENTILES.map((q) => ({
      series: seriesOf(s),
      load: s.config.load === null ? 'saturation' : `${Math.round(s.config.load * 100)} % load`,
      order: s.config.load ?? 2,
      x: 1 / (1 - q / 100),
      latency: Math.max(0.001, s.endToEnd.valueAtPercentile(q) / 1000),
    })),
  );
  const spec = {
    title: title(heading, subtitle),
    data: { values: rows },
    facet: { column: { field: 'load', type: 'nominal', title: null, sort: { field: 'order' } } },
    spec: {
      width: 220,
      height: HEIGHT,
      mark: { type: 'line', point: { size: 20 } },
      encoding: {
        x: {
          field: 'x',
          type: 'quantitative',
          scale: { type: 'log', domain: [2, 10000] },
          title: 'percentile',
          axis: {
            values: [2, 10, 100, 1000, 10000],
            labelExpr: "format(100 - 100 / datum.value, '.4~f') + '%'",
          },
        },
        y: {
          field: 'latency',
          type: 'quantitative',
          scale: { type: 'log' },
          title: 'end-to-end latency (ms)',
        },
        color: colour,
      },
    },
  } as TopLevelSpec;
  return { name, caption: `End-to-end latency percentiles (all repeats' windows merged). ${subtitle}`, spec };
}
