// A numbered sequence summed per key, whose map throws at record `failAt` on the first attempts
// only: `failures` (a SharedArrayBuffer seen by every thread) counts the failures thrown, up to
// `times` (default 1).
import { defineJob } from '../../../src/index.ts';

export interface FailOnceArgs {
  readonly count: number;
  readonly failAt: number;
  /** One Int32 slot: failures thrown so far. */
  readonly failures: SharedArrayBuffer;
  readonly times?: number;
  readonly ratePerSecond?: number;
}

export default defineJob<FailOnceArgs>((env, args) => {
  const failures = new Int32Array(args.failures);
  env
    .fromSequence(
      0,
      args.count - 1,
      args.ratePerSecond === undefined ? {} : { ratePerSecond: args.ratePerSecond },
    )
    .uid('numbers')
    .map((n: number) => {
      if (n === args.failAt && Atomics.load(failures, 0) < (args.times ?? 1)) {
        Atomics.add(failures, 0, 1);
        throw new Error(`injected failure at ${n}`);
      }
      return { key: n % 4, n };
    })
    .name('maybe-fail')
    .uid('maybe-fail')
    .keyBy('key')
    .sum('n')
    .uid('sum')
    .collect({ uid: 'sums' });
});
