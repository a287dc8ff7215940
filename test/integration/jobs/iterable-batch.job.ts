// A batch job whose source is a non-parallel in-job iterable: the numbers 0..count-1, then a map
// (at the job's parallelism) that may throw once, keyed sums. Shared counters tell the test how
// often the iterable was iterated, whether it had ended when the map saw its first record, and
// whether the failure fired.
import { defineJob } from '../../../src/index.ts';

export interface IterableBatchArgs {
  readonly count: number;
  readonly keys: number;
  /** The map throws once at this number. */
  readonly failAt?: number;
  /** Int32 [iterations started, iterations ended, ended when the map saw its first record + 1, fired]. */
  readonly flags: SharedArrayBuffer;
}

export interface KeySum {
  readonly key: number;
  readonly n: number;
}

export default defineJob<IterableBatchArgs>((env, args) => {
  const flags = new Int32Array(args.flags);
  const numbers: Iterable<number> = {
    *[Symbol.iterator]() {
      Atomics.add(flags, 0, 1);
      for (let n = 0; n < args.count; n++) yield n;
      Atomics.add(flags, 1, 1);
    },
  };
  env
    .fromIterable(numbers)
    .uid('numbers')
    .map((n: number): KeySum => {
      Atomics.compareExchange(flags, 2, 0, 1 + Atomics.load(flags, 1));
      if (n === args.failAt && Atomics.compareExchange(flags, 3, 0, 1) === 0)
        throw new RangeError(`bad ${n}`);
      return { key: n % args.keys, n };
    })
    .uid('tag')
    .keyBy('key')
    .sum('n')
    .uid('sum')
    .collect({ uid: 'sums' });
});
