// Numbers from a generator through fromIterable, summed per key; the map throws once at record
// `failAt` (`failures` is seen by every thread). `fresh` passes a function that makes a new
// generator on every start; otherwise the job passes one generator object kept in a module
// variable (as a script job's top-level code would: it runs once per thread), which a restart in
// the same thread cannot iterate again.
import { defineJob } from '../../../src/index.ts';

export interface ReplayableIterableArgs {
  readonly count: number;
  readonly failAt: number;
  /** One Int32 slot: failures thrown so far. */
  readonly failures: SharedArrayBuffer;
  readonly fresh: boolean;
}

function* numbers(count: number): Generator<number> {
  for (let n = 0; n < count; n++) yield n;
}

let shared: Generator<number> | undefined;

export default defineJob<ReplayableIterableArgs>((env, args) => {
  const failures = new Int32Array(args.failures);
  env
    .fromIterable(args.fresh ? () => numbers(args.count) : (shared ??= numbers(args.count)))
    .uid('numbers')
    .map((n: number) => {
      if (n === args.failAt && Atomics.compareExchange(failures, 0, 0, 1) === 0) {
        throw new Error(`injected failure at ${n}`);
      }
      return { key: n % 4, n };
    })
    .uid('maybe-fail')
    .keyBy('key')
    .sum('n')
    .uid('sum')
    .collect({ uid: 'sums' });
});
