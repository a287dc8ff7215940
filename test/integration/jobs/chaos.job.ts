// A keyed count whose every update goes to the exactly-once file sink, with failures injected at
// chosen records: an exception in the map, or the worker thread of the counter exiting. Each
// failure fires once (a shared flag per failure, in `args.fired`), so restarts make progress.
import { defineJob, valueState } from '../../../src/index.ts';

export interface ChaosArgs {
  readonly count: number;
  readonly ratePerSecond: number;
  readonly keys: number;
  readonly output: string;
  /** Record numbers at which the map throws. */
  readonly throwAt: readonly number[];
  /** Record numbers at which the counter's worker thread exits. */
  readonly exitAt: readonly number[];
  /** One Int32 flag per failure (throwAt then exitAt): set once it fired. */
  readonly fired: SharedArrayBuffer;
}

export const COUNT = valueState<number>('count', { defaultValue: 0 });

export function keyOf(n: number, keys: number): string {
  return `k${(n * 7919) % keys}`;
}

export default defineJob<ChaosArgs>((env, args) => {
  const fired = new Int32Array(args.fired);
  const fireOnce = (index: number): boolean => Atomics.compareExchange(fired, index, 0, 1) === 0;
  env
    .fromSequence(0, args.count, { ratePerSecond: args.ratePerSecond })
    .uid('numbers')
    .map((n) => {
      const i = args.throwAt.indexOf(n);
      if (i >= 0 && fireOnce(i)) throw new Error(`injected failure at record ${n}`);
      return { key: keyOf(n, args.keys), n };
    })
    .uid('tag')
    .keyBy('key')
    .process<string>((record, ctx, out) => {
      const i = args.exitAt.indexOf(record.n);
      if (i >= 0 && fireOnce(args.throwAt.length + i)) process.exit(3);
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect(`${record.key} ${count.value()}`);
    })
    .uid('counter')
    .writeFiles(args.output);
});
