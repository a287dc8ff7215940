/**
 * Turns the phase reports of every peer into results: throughput per record variant (median of the
 * measured rounds) and one-way latency percentiles per flush timeout. Checks every throughput
 * round's checksum against the pool, so that a peer that loses or corrupts records fails the run.
 */
import { median, percentile } from '../support/stats.ts';
import type { ThreadTimes } from '../support/thread-cpu.ts';
import type { PhaseOutcome } from './pair.ts';
import type { PeerName } from './peer.ts';
import { type BenchRecord, expectedChecksum, type RecordVariant } from './records.ts';

export interface ThroughputResult {
  readonly peer: PeerName;
  readonly variant: RecordVariant;
  /** Median over the measured rounds, records per second end to end. */
  readonly recordsPerSecond: number;
  /** Median records/s × the msgpack size of a record. */
  readonly bytesPerSecond: number;
  readonly rounds: readonly number[];
  /** Share of the round the producer spent waiting for the consumer (median). */
  readonly producerWaitShare: number;
  /** Event-loop utilisation of each thread during the rounds (median). */
  readonly producerUtilization: number;
  readonly consumerUtilization: number;
  /** CPU time each thread spent per record (median; NaN off Linux). */
  readonly producerCpuNsPerRecord: number;
  readonly consumerCpuNsPerRecord: number;
  /**
   * Share of the round that the threads, runnable, spent waiting for a CPU (median of the larger
   * of the two): other threads or processes competing for the cores. Near 0 on a quiet machine.
   */
  readonly runQueueShare: number;
}

export interface LatencyResult {
  readonly peer: PeerName;
  readonly flushTimeoutMs: number;
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface PeerResults {
  readonly throughput: ThroughputResult[];
  readonly latency: LatencyResult[];
}

/** Checks and summarises one peer's outcomes. */
export function summarise(
  peer: PeerName,
  outcomes: readonly PhaseOutcome[],
  pools: Readonly<Record<RecordVariant, readonly BenchRecord[]>>,
  bytesPerRecord: Readonly<Record<RecordVariant, number>>,
): PeerResults {
  const byVariant = new Map<RecordVariant, PhaseOutcome[]>();
  const latency: LatencyResult[] = [];
  for (const outcome of outcomes) {
    const { phase, consumed } = outcome;
    if (consumed.count !== phase.records) {
      throw new Error(`${peer}: consumer counted ${consumed.count} records, expected ${phase.records}`);
    }
    if (phase.kind === 'latency') {
      latency.push(latencyOf(peer, phase.flushTimeoutMs, consumed.latencies ?? new Float64Array(0)));
      continue;
    }
    const expected = expectedChecksum(pools[phase.variant], phase.records);
    if (consumed.checksum !== expected) {
      throw new Error(
        `${peer}: checksum ${consumed.checksum} of ${phase.variant} records, expected ${expected}`,
      );
    }
    if (phase.warmup) continue;
    byVariant.set(phase.variant, [...(byVariant.get(phase.variant) ?? []), outcome]);
  }
  const throughput = [...byVariant].map(([variant, rounds]) =>
    throughputOf(peer, variant, rounds, bytesPerRecord[variant]),
  );
  return { throughput, latency };
}

function latencyOf(peer: PeerName, flushTimeoutMs: number, samples: Float64Array): LatencyResult {
  const sorted = samples.sort();
  return {
    peer,
    flushTimeoutMs,
    samples: sorted.length,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

function throughputOf(
  peer: PeerName,
  variant: RecordVariant,
  rounds: readonly PhaseOutcome[],
  bytesPerRecord: number,
): ThroughputResult {
  const spanMs = ({ produced, consumed }: PhaseOutcome) => consumed.endedAt - produced.startedAt;
  const cpuNs = (times: ThreadTimes | undefined, records: number) =>
    times === undefined ? Number.NaN : (times.cpuMs * 1e6) / records;
  const waitMs = (times: ThreadTimes | undefined) => times?.waitMs ?? Number.NaN;
  const rates = rounds.map((o) => o.phase.records / (spanMs(o) / 1000));
  const recordsPerSecond = median(rates);
  return {
    peer,
    variant,
    recordsPerSecond,
    bytesPerSecond: recordsPerSecond * bytesPerRecord,
    rounds: rates,
    producerWaitShare: median(rounds.map((o) => o.produced.waitedMs / spanMs(o))),
    producerUtilization: median(rounds.map((o) => o.produced.utilization)),
    consumerUtilization: median(rounds.map((o) => o.consumed.utilization)),
    producerCpuNsPerRecord: median(rounds.map((o) => cpuNs(o.produced.times, o.phase.records))),
    consumerCpuNsPerRecord: median(rounds.map((o) => cpuNs(o.consumed.times, o.phase.records))),
    runQueueShare: median(
      rounds.map((o) => Math.max(waitMs(o.produced.times), waitMs(o.consumed.times)) / spanMs(o)),
    ),
  };
}
