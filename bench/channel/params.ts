/**
 * Every parameter of the channel benchmark, in one place, with the reason for its value. The full
 * run takes about three minutes on a 2-core machine; `--quick` is a CI smoke run of 15-25 s.
 */
import { DEFAULT_FLUSH_TIMEOUT_MS } from '../../src/channel/channel-writer.ts';
import type { PerVariant } from './records.ts';

export interface ChannelBenchParams {
  /** Records per timed throughput round, per record variant. */
  readonly throughputRecords: PerVariant<number>;
  /** Rounds run first and discarded, so that every thread's JIT has settled. */
  readonly warmupRounds: number;
  /** Rounds measured; the report gives their median (and min/max in the JSON). */
  readonly measuredRounds: number;
  /** Distinct pre-generated records per variant (a power of two), reused in order by the producer. */
  readonly poolRecords: PerVariant<number>;
  /** Records per message of the batched message-passing peers (fixed by the issue: 1000). */
  readonly batchRecords: number;
  /** Records a message-passing producer may have in flight before it waits for the consumer. */
  readonly windowRecords: number;
  /** Bytes of the weir ring's data region. */
  readonly ringCapacity: number;
  /** The low-rate latency runs. */
  readonly latency: {
    readonly rateHz: number;
    readonly records: number;
    /** Flush timeouts tried, in ms; the first is ChannelWriter's default. */
    readonly flushTimeoutsMs: readonly number[];
  };
  /** tinybench budgets of the single-thread micro-benchmarks, in ms. */
  readonly micro: { readonly timeMs: number; readonly warmupMs: number };
}

const common = {
  // 4096 small records (~400 KiB of objects and strings) stay in L2, like a hot source's output;
  // 1024 records of 1 KiB are 1 MiB of payloads, beyond L1 and a good part of L2; the other sizes
  // keep 1-2 MiB of payloads too.
  poolRecords: { small: 4096, '64B': 4096, '256B': 4096, kib: 1024, '4KiB': 256, '64KiB': 32 },
  // The issue compares against arrays of 1000 records per message.
  batchRecords: 1000,
  // 16 batches in flight: the consumer never starves while its acknowledgement (one message per
  // 4 batches) travels back, and memory in flight stays bounded, as it is by the ring's capacity.
  windowRecords: 16_000,
  // weir's default ringCapacity (DEFAULT_RING_CAPACITY in src/api/options.ts): the ring as jobs use it.
  ringCapacity: 512 * 1024,
} as const;

/** The full run, recorded in docs/benchmarks/channel.md. */
export const FULL: ChannelBenchParams = {
  ...common,
  // 2 M small records: at least 0.2 s per round even at 10 M/s, so start-up and wake-ups do not
  // count; the slowest peer (one postMessage per record, under 1 M/s) then takes a few seconds a round.
  // The larger sizes move about 200-260 MB a round, as the 1 KiB variant does.
  throughputRecords: {
    small: 2_000_000,
    '64B': 1_000_000,
    '256B': 600_000,
    kib: 200_000,
    '4KiB': 50_000,
    '64KiB': 4000,
  },
  warmupRounds: 1,
  measuredRounds: 5,
  // 3000 samples at 1000 records/s: 3 s per peer and timeout, and 30 samples above the p99.
  latency: { rateHz: 1000, records: 3000, flushTimeoutsMs: [DEFAULT_FLUSH_TIMEOUT_MS, 0] },
  micro: { timeMs: 1000, warmupMs: 250 },
};

/** `--quick`: the same experiment, small enough for a CI smoke test (well under 30 s). */
export const QUICK: ChannelBenchParams = {
  ...common,
  throughputRecords: {
    small: 150_000,
    '64B': 80_000,
    '256B': 40_000,
    kib: 15_000,
    '4KiB': 4000,
    '64KiB': 300,
  },
  warmupRounds: 1,
  measuredRounds: 2,
  latency: { rateHz: 1000, records: 200, flushTimeoutsMs: [DEFAULT_FLUSH_TIMEOUT_MS, 0] },
  micro: { timeMs: 100, warmupMs: 25 },
};

/** The targets of the issue, checked at the end of every run. */
export const TARGETS = {
  /** Small records per second end to end through the weir ring, encoding and decoding included. */
  ringRecordsPerSecond: 8_000_000,
  /** Speed-up of the ring over postMessage with one record per message. */
  overPostEach: 10,
  /** The ring must be at least as fast as msgpackr-packed arrays transferred with postMessage. */
  overMsgpackrTransfer: 1,
} as const;
