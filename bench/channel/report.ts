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

export function throughputTable(
  results: readonly ThroughputResult[],
  variants: readonly RecordVariant[] = ['small', 'kib'],
): string {
  const find = (peer: PeerName, variant: string) =>
    results.find((r) => r.peer === peer && r.variant === variant);
  const baseline = find('post-each', 'small')?.recordsPerSecond ?? Number.NaN;
  const peers = PEER_NAMES.filter((peer) => variants.some((v) => find(peer, v)));
  const rates = peers.map((peer) => [
    PEERS[peer].label,
    ...variants.map((v) => {
      const r = find(peer, v);
      return r ? `${formatRate(r.recordsPerSecond)} (${formatMBps(r.bytesPerSecond)})` : '';
    }),
  ]);
  const ring = (v: RecordVariant) => find('weir-ring', v)?.recordsPerSecond ?? Number.NaN;
  const ratios = peers
    .filter((peer) => peer !== 'weir-ring')
    .map((peer) => [
      PEERS[peer].label,
      ...variants.map((v) => {
        const r = find(peer, v);
        return r ? formatRatio(ring(v) / r.recordsPerSecond) : '';
      }),
    ]);
  const details = peers.flatMap((peer) => {
    const small = find(peer, 'small');
    if (!small) return [];
    return [
      [
        PEERS[peer].label,
        formatRatio(small.recordsPerSecond / baseline),
        `${Math.round(small.producerCpuNsPerRecord)} / ${Math.round(small.consumerCpuNsPerRecord)}`,
        percent(small.producerWaitShare),
        percent(small.runQueueShare),
      ],
    ];
  });
  const sizeColumns = variants.map((v) => ({ title: v === 'kib' ? '1KiB' : v, align: 'right' as const }));
  return [
    'Throughput: producer and consumer in two worker threads, end to end (median of rounds),',
    'records/s (MB/s of msgpack) by record size',
    formatTable([{ title: 'peer' }, ...sizeColumns], rates),
    '',
    "The weir ring against each peer (its records/s divided by the peer's), by record size",
    formatTable([{ title: 'weir ring ÷' }, ...sizeColumns], ratios),
    ...(details.length === 0
      ? []
      : [
          '',
          'Small records',
          formatTable(
            [
              { title: 'peer' },
              { title: 'vs post-each', align: 'right' },
              { title: 'CPU ns/rec p/c', align: 'right' },
              { title: 'p. blocked', align: 'right' },
              { title: 'preempted', align: 'right' },
            ],
            details,
          ),
          '(CPU time per record of the producer / consumer thread; share of the run the producer was',
          ' blocked on the consumer; share the threads spent runnable but waiting for a core, from schedstat)',
        ]),
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
