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
  const numbers = env.fromSequence(0, args.count).uid('numbers');
  (args.union ? numbers.union(env.fromSequence(args.count, 2 * args.count).uid('more-numbers')) : numbers)
    .map((n): KeySum => ({ key: n % args.keys, sum: n, threads: [threadId] }))
    .uid('tag')
    .rebalance()
    .map((r) => {
      if (r.sum === args.failAt && (!fired || Atomics.compareExchange(fired, 0, 0, 1) === 0)) {
        throw new RangeError(`bad record ${r.sum}`);
      }
      return { ...r, threads: union(r.threads, [threadId]) };
    })
    .name('middle')
    .uid('middle')
    .keyBy('key')
    .reduce((a, b) => ({ key: a.key, sum: a.sum + b.sum, threads: union(a.threads, b.threads) }))
    .uid('sum-by-key')
    .map((r) => ({ ...r, threads: union(r.threads, [threadId]) }))
    .collect({ uid: 'sums' });
});
