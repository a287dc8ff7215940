/**
 * One report section per experiment result: what was asked, how it ran, its declared parameters,
 * the tables and the charts. The tables hold medians over repeats with their spread; every chart's
 * caption states its parameters.
 */
import { formatRate } from '../../support/format.ts';
import { formatMachine } from '../../support/machine.ts';
import type { TrialConfig } from '../config.ts';
import { LATENCY_STAGES } from '../job-args.ts';
import type { SuiteParams } from '../params.ts';
import type { ExperimentResult } from '../result-file.ts';
import { type ConfigSummary, costAgainstOff, summarise } from './aggregate.ts';
import { type Chart, groupedBars, intervalCharts, latencyCurves, seriesOf, variantOf } from './charts.ts';
import { bytesCell, durationCell, markdownTable, msCell, percentCell, rateCell } from './markdown.ts';

export interface Section {
  readonly markdown: string;
  readonly charts: readonly Chart[];
}

type Dimension = 'intervalMs' | 'parallelism' | 'inputChannels' | 'skew';

/** Whether `c` sits at the base point in every dimension but `free`. */
function atBase(c: TrialConfig, p: SuiteParams, free: Dimension): boolean {
  return (
    c.peer === 'weir' &&
    c.load === null &&
    c.sinkDelayMicros === 0 &&
    (free === 'intervalMs' || c.intervalMs === null || c.intervalMs === p.baseIntervalMs) &&
    (free === 'parallelism' || c.parallelism === p.baseParallelism) &&
    (free === 'inputChannels' || c.inputChannels === p.baseInputChannels || c.skew === 'slow-input') &&
    (free === 'skew' || c.skew === 'none')
  );
}

function modeCell(c: TrialConfig): string {
  return c.peer !== 'weir'
    ? `${c.peer} (1 thread)`
    : `${c.mode === 'off' ? 'off' : `${c.mode} @ ${c.intervalMs} ms`}${variantOf(c)}`;
}

/** Checkpoints completed (and failed) in a configuration's windows. */
function countCell(s: ConfigSummary): string {
  const { count, failed } = s.checkpoints;
  return count === 0 ? '–' : `${count}${failed > 0 ? ` (+${failed} failed)` : ''}`;
}

/** `p50 / max` of a checkpoint figure, `–` without checkpoints. */
function pairCell(s: ConfigSummary, cell: (v: number) => string, p50: number, max: number): string {
  return s.checkpoints.count === 0 ? '–' : `${cell(p50)} / ${cell(max)}`;
}

function loadCell(c: TrialConfig): string {
  return c.load === null ? 'saturation' : `${Math.round(c.load * 100)} %`;
}

/** Where the latency goes: p50 and p99 of each stage (medians over repeats, range in brackets). */
function stageTable(rows: readonly ConfigSummary[]): string {
  const staged = rows.filter((s) => s.stages !== undefined);
  if (staged.length === 0) return '';
  return markdownTable(
    ['load', 'mode', 'end-to-end p99', ...LATENCY_STAGES.flatMap((st) => [`${st} p50`, `${st} p99`])],
    staged.map((s) => [
      loadCell(s.config),
      modeCell(s.config),
      durationCell(s.latency.p99),
      ...LATENCY_STAGES.flatMap((st) => [durationCell(s.stages![st].p50), durationCell(s.stages![st].p99)]),
    ]),
    `ll${'r'.repeat(1 + 2 * LATENCY_STAGES.length)}`,
  );
}

/** The throughput-and-checkpoints table of summaries, first column from `label`. */
function checkpointTable(
  rows: readonly ConfigSummary[],
  all: readonly ConfigSummary[],
  label: [string, (s: ConfigSummary) => string],
): string {
  return markdownTable(
    [
      label[0],
      'mode',
      'throughput (records/s)',
      'cost vs off',
      'checkpoints',
      'alignment p50 / max',
      'duration p50 / max',
      'start delay p50',
      'state',
    ],
    rows.map((s) => [
      label[1](s),
      modeCell(s.config),
      rateCell(s.throughput),
      percentCell(costAgainstOff(s, all)),
      countCell(s),
      pairCell(s, msCell, s.checkpoints.alignmentP50, s.checkpoints.alignmentMax),
      pairCell(s, msCell, s.checkpoints.durationP50, s.checkpoints.durationMax),
      msCell(s.checkpoints.startDelayP50),
      bytesCell(s.checkpoints.stateBytesP50),
    ]),
    'llrrrrrrr',
  );
}

function header(result: ExperimentResult): string {
  const params = markdownTable(
    ['parameter', 'value', 'why'],
    result.declared.map((d) => [
      `\`${d.name}\``,
      Array.isArray(d.value) ? d.value.join(', ') : String(d.value),
      d.reason,
    ]),
  );
  const engine =
    result.engine === undefined
      ? 'unknown'
      : `commit ${result.engine.commit}${result.engine.changedSrcFiles.length > 0 ? ` + ${result.engine.changedSrcFiles.length} changed src file(s)` : ''}`;
  return [
    `## ${result.title} (\`${result.experiment}\`)${result.quick ? ' — quick smoke run' : ''}`,
    '',
    result.question,
    '',
    `- run: ${result.startedAt} → ${result.finishedAt}, command \`${result.command}\``,
    `- machine: ${formatMachine(result.machine)}; load average at the end ${result.loadAverageAtEnd.join(' ')}`,
    `- Node ${result.node}, engine ${engine}`,
    `- ${result.params.repeats} repeat(s) per configuration; windows ≥ ${result.params.windowMs} ms and ≥ ${result.params.intervalsPerWindow} intervals after ${result.params.warmupMs} ms of warm-up; memory checkpoint storage`,
    '',
    '### Parameters',
    '',
    ...(result.quick
      ? ["Quick smoke run: the values are the CI smoke set; the reasons describe the full run's values.", '']
      : []),
    params,
  ].join('\n');
}

function stateLabel(p: SuiteParams): string {
  return `${p.keys.toLocaleString('en')} keys × ${p.payloadBytes} B`;
}

function alignmentSection(result: ExperimentResult, all: ConfigSummary[]): Section {
  const p = result.params;
  const reps = `median of ${p.repeats}, bars min–max`;
  const by = (free: Dimension): ConfigSummary[] => all.filter((s) => atBase(s.config, p, free));
  const interval = by('intervalMs');
  const parallelism = by('parallelism').sort((a, b) => a.config.parallelism - b.config.parallelism);
  const channels = by('inputChannels').sort((a, b) => a.config.inputChannels - b.config.inputChannels);
  const skew = by('skew');
  const base = `p = ${p.baseParallelism}, ${p.baseInputChannels} input channels, ${stateLabel(p)}, saturation, ${reps}`;
  const charts: Chart[] = intervalCharts(
    `${result.experiment}-interval`,
    interval,
    (s, throughput) => costAgainstOff(s, all, throughput),
    base,
  ).filter((c) => !c.name.endsWith('-duration'));
  const bars = (
    rows: ConfigSummary[],
    category: (s: ConfigSummary) => string,
    name: string,
    what: string,
    params: string,
  ): void => {
    charts.push(
      groupedBars(
        `${result.experiment}-${name}-throughput`,
        `Throughput by ${what}`,
        params,
        rows.map((s) => ({
          category: category(s),
          series: seriesOf(s),
          value: s.throughput.median,
          min: s.throughput.min,
          max: s.throughput.max,
        })),
        { category: what, value: 'throughput (records/s)' },
      ),
      groupedBars(
        `${result.experiment}-${name}-alignment`,
        `Alignment by ${what}`,
        `${params}; bar: p50, rule: max`,
        rows
          .filter((s) => s.config.mode !== 'off')
          .map((s) => ({
            category: category(s),
            series: seriesOf(s),
            value: s.checkpoints.alignmentP50,
            min: s.checkpoints.alignmentP50,
            max: s.checkpoints.alignmentMax,
          })),
        { category: what, value: 'alignment per checkpoint (ms)' },
      ),
    );
  };
  const at = `interval ${p.baseIntervalMs} ms, ${stateLabel(p)}, saturation, ${reps}`;
  bars(
    skew,
    (s) => s.config.skew,
    'skew',
    'input skew',
    `p = ${p.baseParallelism}, ${p.baseInputChannels} input channels, slow input ${formatRate(p.slowInputRate)}/s, hot key ${p.hotKeyShare * 100} %, ${at}`,
  );
  bars(
    parallelism,
    (s) => `p = ${s.config.parallelism}`,
    'parallelism',
    'keyed parallelism',
    `${p.baseInputChannels} input channels, ${at}`,
  );
  bars(
    channels,
    (s) => `${s.config.inputChannels} ch`,
    'channels',
    'input channels',
    `p = ${p.baseParallelism}, ${at}`,
  );
  const markdown = [
    '### Over the checkpoint interval',
    '',
    `${base}.`,
    '',
    checkpointTable(interval, all, [
      'interval',
      (s) => (s.config.intervalMs === null ? '–' : `${s.config.intervalMs} ms`),
    ]),
    '',
    '### Over the keyed parallelism',
    '',
    checkpointTable(parallelism, all, ['parallelism', (s) => String(s.config.parallelism)]),
    '',
    '### Over the number of input channels',
    '',
    checkpointTable(channels, all, ['input channels', (s) => String(s.config.inputChannels)]),
    '',
    '### Over input skew',
    '',
    checkpointTable(skew, all, ['skew', (s) => s.config.skew]),
  ].join('\n');
  return { markdown, charts };
}

function latencySection(result: ExperimentResult, all: ConfigSummary[]): Section {
  const p = result.params;
  const charts: Chart[] = [];
  const parts: string[] = [];
  for (const delay of p.sinkDelaysMicros) {
    const rows = all.filter((s) => s.config.sinkDelayMicros === delay);
    const sink = delay === 0 ? 'normal sink' : `slow sink (${delay} µs of work per record)`;
    const params = `p = ${p.baseParallelism}, ${p.baseInputChannels} input channels, interval ${p.baseIntervalMs} ms, ${stateLabel(p)}, ${sink}, median of ${p.repeats}`;
    parts.push(
      `### ${delay === 0 ? 'Normal sink' : 'Slow sink (backpressure)'}`,
      '',
      `${params}. Latency from the record's scheduled creation at the source to its arrival at the sink (end-to-end); "in pipeline" from its emission.`,
      '',
      markdownTable(
        [
          'load',
          'offered (records/s)',
          'mode',
          'throughput',
          'p50',
          'p90',
          'p99',
          'p99.9',
          'max',
          'in-pipeline p99',
          'checkpoints',
          'alignment p50',
        ],
        rows.map((s) => [
          loadCell(s.config),
          s.config.load === null ? '–' : rateCell(s.offeredRate),
          modeCell(s.config),
          rateCell(s.throughput),
          durationCell(s.latency.p50),
          durationCell(s.latency.p90),
          durationCell(s.latency.p99),
          durationCell(s.latency.p999),
          durationCell(s.latency.max),
          durationCell(s.pipelineP99),
          s.checkpoints.count === 0 ? '–' : String(s.checkpoints.count),
          msCell(s.checkpoints.alignmentP50),
        ]),
        'lrlrrrrrrrrr',
      ),
      '',
    );
    const stages = stageTable(rows);
    if (stages !== '')
      parts.push(
        'Where the time goes: each record is stamped when the source emits it and when the keyed operator takes it from its input channel, so its end-to-end latency splits into *source* (scheduled → emitted: the rate limiter and the source thread running late), *channel* (emitted → taken: batching, the ring, the consumer waking up, decoding, and the consumer thread busy with anything else, snapshots and GC included) and *task* (taken → sink). Stages are percentiles of their own, so they do not add up to the end-to-end percentile.',
        '',
        stages,
        '',
      );
    const pairs = comparePairs(rows);
    if (pairs.length > 0)
      parts.push(
        'Exactly-once against at-least-once at the same offered load (ratios of medians; > 1: exactly-once slower):',
        '',
        markdownTable(
          ['load', 'throughput EO / ALO', 'p50 EO / ALO', 'p99 EO / ALO', 'p99.9 EO / ALO', 'max EO / ALO'],
          pairs.map(([eo, alo]) => [
            loadCell(eo.config),
            ratioCell(eo.throughput.median, alo.throughput.median),
            ratioCell(eo.latency.p50.median, alo.latency.p50.median),
            ratioCell(eo.latency.p99.median, alo.latency.p99.median),
            ratioCell(eo.latency.p999.median, alo.latency.p999.median),
            ratioCell(eo.latency.max.median, alo.latency.max.median),
          ]),
          'lrrrrr',
        ),
        '',
      );
    charts.push(
      latencyCurves(
        `${result.experiment}-curves-sink${delay}us`,
        `End-to-end latency percentiles, ${sink}`,
        rows,
        params,
      ),
      ...stageCharts(result.experiment, delay, rows, params),
    );
  }
  return { markdown: parts.join('\n'), charts };
}

/** Per offered load: p99 of each latency stage by mode (median, bars min–max). */
function stageCharts(
  experiment: string,
  delay: number,
  rows: readonly ConfigSummary[],
  params: string,
): Chart[] {
  const loads = [
    ...new Set(
      rows.filter((s) => s.stages !== undefined && s.config.load !== null).map((s) => s.config.load!),
    ),
  ];
  return loads.map((load) =>
    groupedBars(
      `${experiment}-stages-sink${delay}us-load${Math.round(load * 100)}`,
      `Latency p99 by stage at ${Math.round(load * 100)} % load`,
      `${params}, bars min–max`,
      rows
        .filter((s) => s.stages !== undefined && s.config.load === load)
        .flatMap((s) =>
          LATENCY_STAGES.map((stage) => ({
            category: stage,
            series: seriesOf(s),
            value: s.stages![stage].p99.median,
            min: s.stages![stage].p99.min,
            max: s.stages![stage].p99.max,
          })),
        ),
      { category: 'stage', value: 'p99 (ms)' },
    ),
  );
}

/** Exactly-once and at-least-once summaries at the same load (same sink), paired. */
function comparePairs(rows: readonly ConfigSummary[]): [ConfigSummary, ConfigSummary][] {
  const pairs: [ConfigSummary, ConfigSummary][] = [];
  for (const eo of rows) {
    if (eo.config.peer !== 'weir' || eo.config.mode !== 'exactly-once') continue;
    const alo = rows.find(
      (s) =>
        s.config.peer === 'weir' &&
        s.config.mode === 'at-least-once' &&
        s.config.load === eo.config.load &&
        s.config.inFlightTargetMs === eo.config.inFlightTargetMs,
    );
    if (alo !== undefined) pairs.push([eo, alo]);
  }
  return pairs;
}

function ratioCell(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

function sweepSection(result: ExperimentResult, all: ConfigSummary[]): Section {
  const p = result.params;
  const params = `p = ${p.baseParallelism}, ${p.baseInputChannels} input channels, ${stateLabel(p)}, saturation, median of ${p.repeats}, bars min–max`;
  const charts = intervalCharts(
    result.experiment,
    all,
    (s, throughput) => costAgainstOff(s, all, throughput),
    params,
  );
  const markdown = [
    `${params}.`,
    '',
    checkpointTable(all, all, [
      'interval',
      (s) => (s.config.intervalMs === null ? '–' : `${s.config.intervalMs} ms`),
    ]),
  ].join('\n');
  return { markdown, charts };
}

function backpressureSection(result: ExperimentResult, all: ConfigSummary[]): Section {
  const p = result.params;
  const sink = `slow sink (${p.sinkDelaysMicros.join(', ')} µs of work per record)`;
  const params = `p = ${p.baseParallelism}, ${p.baseInputChannels} input channels, interval ${p.baseIntervalMs} ms, ${stateLabel(p)}, ${sink}, sources unlimited, median of ${p.repeats}`;
  const rows = all.filter((s) => s.config.peer === 'weir');
  const kind = (s: ConfigSummary): string => s.config.barriers ?? 'aligned';
  const debloat = (s: ConfigSummary): string =>
    s.config.inFlightTargetMs === false
      ? 'off'
      : `${s.config.inFlightTargetMs ?? 'default'}${s.config.inFlightTargetMs === undefined ? '' : ' ms'}`;
  const table = markdownTable(
    [
      'barriers',
      'debloating',
      'throughput',
      'latency p50',
      'latency p99',
      'checkpoints',
      'duration p50 / max',
      'start delay p50',
      'alignment p50 / max',
      'in-flight persisted p50 / max',
    ],
    rows.map((s) => [
      kind(s),
      debloat(s),
      rateCell(s.throughput),
      durationCell(s.latency.p50),
      durationCell(s.latency.p99),
      countCell(s),
      pairCell(s, msCell, s.checkpoints.durationP50, s.checkpoints.durationMax),
      msCell(s.checkpoints.startDelayP50),
      pairCell(s, msCell, s.checkpoints.alignmentP50, s.checkpoints.alignmentMax),
      pairCell(s, bytesCell, s.checkpoints.inFlightBytesP50, s.checkpoints.inFlightBytesMax),
    ]),
    'llrrrrrrrr',
  );
  const bars = (metric: 'duration' | 'startDelay', what: string): Chart =>
    groupedBars(
      `${result.experiment}-${metric === 'duration' ? 'duration' : 'start-delay'}`,
      `Checkpoint ${what} under backpressure`,
      `${params}; bar: p50${metric === 'duration' ? ', rule: max' : ''}`,
      rows
        .filter((s) => s.checkpoints.count > 0)
        .map((s) => {
          const value = metric === 'duration' ? s.checkpoints.durationP50 : s.checkpoints.startDelayP50;
          return {
            category: kind(s),
            series: `debloating ${debloat(s)}`,
            value,
            min: value,
            max: metric === 'duration' ? s.checkpoints.durationMax : value,
          };
        }),
      { category: 'barriers', value: `${what} (ms)` },
    );
  return {
    markdown: [`${params}.`, '', table].join('\n'),
    charts: [bars('duration', 'duration'), bars('startDelay', 'start delay')],
  };
}

/** The section of one result. */
export function sectionOf(result: ExperimentResult): Section {
  const all = summarise(result.trials);
  const body =
    result.experiment === 'alignment'
      ? alignmentSection(result, all)
      : result.experiment === 'latency'
        ? latencySection(result, all)
        : result.experiment === 'backpressure'
          ? backpressureSection(result, all)
          : sweepSection(result, all);
  return { markdown: `${header(result)}\n\n${body.markdown}`, charts: body.charts };
}
