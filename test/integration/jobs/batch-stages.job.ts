// A batch job of three vertices: a sequence tagged with its source's thread; a rebalance to a map
// (every record crosses that exchange) that tags its own thread and may throw at one record; a
// keyed reduce whose final sums carry every thread that handled the key's records.
import { threadId } from 'node:worker_threads';
import { defineJob } from '../../../src/index.ts';

export interface BatchStagesArgs {
  readonly count: number;
  readonly keys: number;
  /** Record at which the middle map throws: on every attempt, or once if `fired` is given. */
  readonly failAt?: number;
  /** One Int32 flag, set when the failure fired. */
  readonly fired?: SharedArrayBuffer;
  /** Also read `count` to `2 * count` from a second source (a union: two sources in the first stage). */
  readonly union?: boolean;
  /** One Int32 counter: records seen by the first stage's map (all attempts together). */
  readonly tagged?: SharedArrayBuffer;
  /** Collect the middle map's records themselves (chained to it) instead of the keyed sums. */
  readonly collectMiddle?: boolean;
  /** Rate limit of the sources (records per second per subtask); default none. */
  readonly ratePerSecond?: number;
}

export interface KeySum {
  readonly key: number;
  readonly sum: number;
  /** The threads of the subtasks that handled the key's records, in any stage. */
  readonly threads: readonly number[];
}

function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])];
}

export default defineJob<BatchStagesArgs>((env, args) => {
  const fired = args.fired ? new Int32Array(args.fired) : undefined;
  const tagged = args.tagged ? new Int32Array(args.tagged) : undefined;
  const rate = args.ratePerSecond === undefined ? {} : { ratePerSecond: args.ratePerSecond };
  const numbers = env.fromSequence(0, args.count - 1, rate).uid('numbers');
  const more = (): typeof numbers =>
    env.fromSequence(args.count, 2 * args.count - 1, rate).uid('more-numbers');
  const middle = (args.union ? numbers.union(more()) : numbers)
    .map((n): KeySum => {
      if (tagged) Atomics.add(tagged, 0, 1);
      return { key: n % args.keys, sum: n, threads: [threadId] };
    })
    .uid('tag')
    .rebalance()
    .map((r) => {
      if (r.sum === args.failAt && (!fired || Atomics.compareExchange(fired, 0, 0, 1) === 0)) {
        throw new RangeError(`bad record ${r.sum}`);
      }
      return { ...r, threads: union(r.threads, [threadId]) };
    })
    .name('middle')
    .uid('middle');
  if (args.collectMiddle) {
    middle.collect({ uid: 'middle-records' });
    return;
  }
  middle
    .keyBy('key')
    .reduce((a, b) => ({ key: a.key, sum: a.sum + b.sum, threads: union(a.threads, b.threads) }))
    .uid('sum-by-key')
    .map((r) => ({ ...r, threads: union(r.threads, [threadId]) }))
    .collect({ uid: 'sums' });
});
