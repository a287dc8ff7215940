/**
 * Windows benchmark (issue 18): what event-time windowing costs per record, and how soon a window's
 * result reaches the sink.
 *
 * - Throughput: the same source, timestamps and keyBy into a plain rolling count (the baseline), a
 *   tumbling-window count and a session-window count, at keyed parallelism 1 and 2; records/s by
 *   wall time, and the windowed jobs' cost relative to the baseline.
 * - Latency: a tumbling-window count at half load with wall-clock timestamps; per window result,
 *   the time from the window's end to its arrival at the sink, exactly-once vs at-least-once
 *   checkpoints (percentiles; the watermark interval is part of it).
 *
 *   flock /tmp/weir-bench.lock npm run bench -- windows [--quick] [--json]
 */
import { executeJob } from '../src/index.ts';
import type { BenchArgs } from './support/args.ts';
import { formatDuration, formatRate } from './support/format.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { percentile } from './support/stats.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';
import { formatTable } from './support/table.ts';
import { FULL, QUICK, type WindowsBenchParams } from './windows/params.ts';
import type { WindowsJobArgs } from './windows/windows.job.ts';

export const description =
  'event-time windows: cost per record vs a keyed count; window-result latency EO vs ALO';

const job = new URL('./windows/windows.job.ts', import.meta.url);
const MODES = ['keyed', 'tumbling', 'session'] as const;

interface ThroughputSample {
  readonly mode: (typeof MODES)[number];
  readonly parallelism: number;
  readonly recordsPerSecond: number;
}

interface LatencySample {
  readonly checkpointing: 'exactly-once' | 'at-least-once';
  readonly results: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

function jobArgs(
  params: WindowsBenchParams,
  mode: WindowsJobArgs['mode'],
  parallelism: number,
): WindowsJobArgs {
  return {
    mode,
    records: params.records,
    keys: params.keys,
    parallelism,
    windowMs: params.windowMs,
    sessionGapMs: params.sessionGapMs,
    watermarkIntervalMs: params.watermarkIntervalMs,
  };
}

async function throughput(params: WindowsBenchParams, mode: ThroughputSample['mode'], parallelism: number) {
  const started = performance.now();
  await executeJob(job, { args: jobArgs(params, mode, parallelism), environment: { parallelism } });
  return { mode, parallelism, recordsPerSecond: params.records / ((performance.now() - started) / 1000) };
}

async function latency(
  params: WindowsBenchParams,
  mode: LatencySample['checkpointing'],
): Promise<LatencySample> {
  const latencies = new SharedArrayBuffer(8 + 8 * 100_000);
  await executeJob(job, {
    args: {
      ...jobArgs(params, 'tumbling', 2),
      records: params.latencyRecords,
      ratePerSecond: params.latencyRate,
      // Windows of 100 ms: many results per second to measure.
      windowMs: 100,
      latencies,
    },
    environment: { parallelism: 2, checkpointing: { intervalMs: 200, mode, storage: { kind: 'memory' } } },
  });
  const slots = new Float64Array(latencies, 8);
  const n = Math.min(new Int32Array(latencies, 0, 1)[0]!, slots.length);
  // The first tenth warms up (threads start, the first windows wait for the first watermark).
  const sorted = Array.from(slots.subarray(Math.floor(n / 10), n)).sort((a, b) => a - b);
  return {
    checkpointing: mode,
    results: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export async function run(args: BenchArgs): Promise<void> {
  const params = args.quick ? QUICK : FULL;
  const machine = describeMachine();
  const startedAt = new Date();
  console.log(`weir windows benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  console.log(
    `${params.records} records over ${params.keys} keys; tumbling ${params.windowMs} ms, session gap ${params.sessionGapMs} ms\n`,
  );
  const samples: ThroughputSample[] = [];
  for (const parallelism of params.parallelisms)
    for (const mode of MODES) samples.push(await throughput(params, mode, parallelism));
  const baseline = (p: number): number =>
    samples.find((s) => s.mode === 'keyed' && s.parallelism === p)!.recordsPerSecond;
  console.log(
    formatTable(
      [
        { title: 'job' },
        { title: 'parallelism', align: 'right' },
        { title: 'records/s', align: 'right' },
        { title: 'vs keyed count', align: 'right' },
      ],
      samples.map((s) => [
        s.mode,
        String(s.parallelism),
        formatRate(s.recordsPerSecond),
        s.mode === 'keyed' ? '' : `${((s.recordsPerSecond / baseline(s.parallelism) - 1) * 100).toFixed(0)}%`,
      ]),
    ),
  );
  console.log(
    `\nwindow-result latency: 100 ms tumbling windows at ${params.latencyRate} records/s, parallelism 2, ` +
      `watermarks every ${params.watermarkIntervalMs} ms, checkpoints every 200 ms\n`,
  );
  const latencies: LatencySample[] = [];
  for (const mode of ['at-least-once', 'exactly-once'] as const) latencies.push(await latency(params, mode));
  console.log(
    formatTable(
      [
        { title: 'checkpoints' },
        { title: 'results', align: 'right' },
        { title: 'p50', align: 'right' },
        { title: 'p99', align: 'right' },
        { title: 'p99.9', align: 'right' },
        { title: 'max', align: 'right' },
      ],
      latencies.map((l) => [
        l.checkpointing,
        String(l.results),
        formatDuration(l.p50),
        formatDuration(l.p99),
        formatDuration(l.p999),
        formatDuration(l.max),
      ]),
    ),
  );
  const loadAverageAtEnd = loadAverage();
  console.log(`\nload average at the end: ${loadAverageAtEnd.join(' ')}`);
  if (args.json)
    printJsonResult({
      ...resultHeader('windows', args, startedAt, machine, loadAverageAtEnd),
      params,
      throughput: samples,
      latencies,
    });
}
