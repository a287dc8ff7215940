/**
 * The checkpoint benchmark's job: two unbounded numbered sources (one subtask each), unioned, keyed
 * by a function of the record number, into the keyed counter (count + payload per key; see
 * `jobs-support/keyed-counter.ts`) at `keyedParallelism`, and a sink that drops everything. Each
 * keyed subtask therefore has two input channels, one per source: the barriers of a checkpoint
 * align across them. The input shape is set by the arguments: the key distribution (uniform, or a
 * hot key) and an optional rate limit on the right source (one source much busier than the other).
 */
import { defineJob } from '../../src/index.ts';
import { keyedCounter } from '../jobs-support/keyed-counter.ts';
import { keyOf } from '../jobs-support/keys.ts';
import { workerBuiltAt } from '../jobs-support/worker-build.ts';

/** Arguments of the job (plain data, the same in every thread). */
export interface TwoInputJobArgs {
  /** Distinct keys of the uniform part of the distribution. */
  readonly keys: number;
  /** Share of the records (0..1) on one hot key. */
  readonly hotKeyShare: number;
  /** Payload bytes per key (the keyed-state size knob). */
  readonly payloadBytes: number;
  /** Records per second of the right source; null: as fast as backpressure allows, like the left. */
  readonly rightRatePerSecond: number | null;
  /** Parallelism of the keyed operator (and the sink chained to it). */
  readonly keyedParallelism: number;
  /** From `createProbeMemory(keyedParallelism)`. */
  readonly probe: SharedArrayBuffer;
}

/** First number of the right source, so that the two sources' records differ. */
export const RIGHT_START = 2 ** 31;

export default defineJob<TwoInputJobArgs>((env, args) => {
  const builtAt = workerBuiltAt();
  const rate = args.rightRatePerSecond === null ? {} : { ratePerSecond: args.rightRatePerSecond };
  const left = env.fromSequence(0).uid('left').name('left').setParallelism(1);
  const right = env
    .fromSequence(RIGHT_START, Number.POSITIVE_INFINITY, rate)
    .uid('right')
    .name('right')
    .setParallelism(1);
  left
    .union(right)
    .keyBy((n) => keyOf(n, args.keys, args.hotKeyShare))
    .process(keyedCounter(args.probe, args.payloadBytes, builtAt))
    .uid('state')
    .name('count+payload')
    .setParallelism(args.keyedParallelism)
    .discard()
    .uid('sink')
    .setParallelism(args.keyedParallelism);
});
