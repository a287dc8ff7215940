/**
 * The phases a producer/consumer pair runs, in order: throughput rounds (warm-up rounds first) for
 * each record variant, then the low-rate latency runs, one per flush timeout. Both threads get the
 * whole plan up front, so the consumer knows how many records end each phase.
 */
import type { ChannelBenchParams } from './params.ts';
import { RECORD_VARIANTS, type RecordVariant } from './records.ts';

export type Phase =
  | {
      readonly kind: 'throughput';
      readonly variant: RecordVariant;
      readonly records: number;
      readonly warmup: boolean;
    }
  | {
      readonly kind: 'latency';
      readonly variant: 'small';
      readonly records: number;
      readonly rateHz: number;
      readonly flushTimeoutMs: number;
    };

/** Which kinds of phase to run (`--only=throughput` or `--only=latency` narrows it). */
export type PhaseKinds = ReadonlySet<Phase['kind']>;

export function makePlan(
  params: ChannelBenchParams,
  kinds: PhaseKinds,
  variants: readonly RecordVariant[] = RECORD_VARIANTS,
): Phase[] {
  const phases: Phase[] = [];
  for (const variant of kinds.has('throughput') ? variants : []) {
    const records = params.throughputRecords[variant];
    const rounds = params.warmupRounds + params.measuredRounds;
    for (let r = 0; r < rounds; r++) {
      phases.push({ kind: 'throughput', variant, records, warmup: r < params.warmupRounds });
    }
  }
  for (const flushTimeoutMs of kinds.has('latency') ? params.latency.flushTimeoutsMs : []) {
    phases.push({
      kind: 'latency',
      variant: 'small',
      records: params.latency.records,
      rateHz: params.latency.rateHz,
      flushTimeoutMs,
    });
  }
  return phases;
}
