/** The readable report of the channel benchmark: micro-benchmarks, throughput, latency, targets. */
import { formatDuration, formatMBps, formatRate, formatRatio } from '../support/format.ts';
import { formatTable } from '../support/table.ts';
import type { MicroResult } from './micro.ts';
import type { PhaseOutcome } from './pair.ts';
import { PEER_NAMES, type PeerName } from './peer.ts';
import { PEERS } from './peers/index.ts';
import type { RecordVariant } from './records.ts';
import type { LatencyResult, ThroughputResult } from './results.ts';
import type { TargetCheck } from './targets.ts';

/** One progress line per finished phase. */
export function phaseLine(
  peer: PeerName,
  { phase, produced, consumed }: PhaseOutcome,
  bytesPerRecord: Readonly<Record<RecordVariant, number>>,
): string {
  const seconds = (consumed.endedAt - produced.startedAt) / 1000;
  const what =
    phase.kind === 'throughput'
      ? `${phase.variant}${phase.warmup ? ' (warm-up)' : ''}: ${formatRate(phase.records / seconds)} records/s, ` +
        `${formatMBps((phase.records * bytesPerRecord[phase.variant]) / seconds)} MB/s`
      : `latency run, flush timeout ${phase.flushTimeoutMs} ms: ${phase.records} records`;
  return `  ${peer.padEnd(18)} ${what}`;
}

export function microTable(micro: readonly MicroResult[], records: number): string {
  return [
    `Micro-benchmarks: one thread, tinybench, ${records} small records per iteration`,
    formatTable(
      [{ title: 'operation' }, { title: 'records/s', align: 'right' }, { title: '±', align: 'right' }],
      micro.map((m) => [m.name, formatRate(m.recordsPerSecond), `${m.rme.toFixed(1)}%`]),
    ),
  ].join('\n');
}

export function throughputTable(results: readonly ThroughputResult[]): string {
  const find = (peer: PeerName, variant: string) =>
    results.find((r) => r.peer === peer && r.variant === variant);
  const baseline = find('post-each', 'small')?.recordsPerSecond ?? Number.NaN;
  const rows = PEER_NAMES.flatMap((peer) => {
    const small = find(peer, 'small');
    const kib = find(peer, 'kib');
    if (!small && !kib) return [];
    return [
      [
        PEERS[peer].label,
        formatRate(small?.recordsPerSecond ?? Number.NaN),
        formatMBps(small?.bytesPerSecond ?? Number.NaN),
        formatRatio((small?.recordsPerSecond ?? Number.NaN) / baseline),
        formatRate(kib?.recordsPerSecond ?? Number.NaN),
        formatMBps(kib?.bytesPerSecond ?? Number.NaN),
        small
          ? `${Math.round(small.producerCpuNsPerRecord)} / ${Math.round(small.consumerCpuNsPerRecord)}`
          : '',
        small ? percent(small.producerWaitShare) : '',
        small ? percent(small.runQueueShare) : '',
      ],
    ];
  });
  return [
    'Throughput: producer and consumer in two worker threads, end to end (median of rounds)',
    formatTable(
      [
        { title: 'peer' },
        { title: 'small rec/s', align: 'right' },
        { title: 'MB/s', align: 'right' },
        { title: 'vs post-each', align: 'right' },
        { title: '1 KiB rec/s', align: 'right' },
        { title: 'MB/s', align: 'right' },
        { title: 'CPU ns/rec p/c', align: 'right' },
        { title: 'p. blocked', align: 'right' },
        { title: 'preempted', align: 'right' },
      ],
      rows,
    ),
    '(small records: CPU time per record of the producer / consumer thread; share of the run the producer',
    ' was blocked on the consumer; share the threads spent runnable but waiting for a core, from schedstat)',
  ].join('\n');
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)}%` : 'n/a';
}

export function latencyTable(results: readonly LatencyResult[], rateHz: number): string {
  const timeouts = [...new Set(results.map((r) => r.flushTimeoutMs))];
  const rows = PEER_NAMES.flatMap((peer) => {
    const mine = results.filter((r) => r.peer === peer);
    if (mine.length === 0) return [];
    return [
      [
        PEERS[peer].label,
        ...timeouts.flatMap((t) => {
          const r = mine.find((m) => m.flushTimeoutMs === t);
          return [formatDuration(r?.p50Ms ?? Number.NaN), formatDuration(r?.p99Ms ?? Number.NaN)];
        }),
      ],
    ];
  });
  return [
    `One-way latency at ${rateHz} small records/s (timestamp in the record, wall clock shared by the threads)`,
    formatTable(
      [
        { title: 'peer' },
        ...timeouts.flatMap((t) => [
          { title: `p50, flush ${t} ms`, align: 'right' as const },
          { title: `p99, flush ${t} ms`, align: 'right' as const },
        ]),
      ],
      rows,
    ),
  ].join('\n');
}

export function targetsText(checks: readonly TargetCheck[]): string {
  return [
    'Targets',
    ...checks.map((c) => `  ${c.met ? 'met    ' : 'NOT MET'}  ${c.target}: ${c.measured}`),
  ].join('\n');
}
