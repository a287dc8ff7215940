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
  /**
   * Read the numbers from this text file (line n: `n` and padding) instead of the rate-limited
   * sequence; each record then costs `busyMicros` of CPU, so that checkpoints fall mid-file.
   */
  readonly input?: string;
  readonly busyMicros?: number;
  /** CPU each record costs the counter (a slow consumer: the rings before it fill). */
  readonly counterBusyMicros?: number;
}

export const COUNT = valueState<number>('count', { defaultValue: 0 });

export function keyOf(n: number, keys: number): string {
  return `k${(n * 7919) % keys}`;
}

export default defineJob<ChaosArgs>((env, args) => {
  const fired = new Int32Array(args.fired);
  const fireOnce = (index: number): boolean => Atomics.compareExchange(fired, index, 0, 1) === 0;
  const numbers = args.input
    ? env
        .readTextFile(args.input)
        .uid('numbers')
        .map((line: string) => {
          const until = performance.now() + (args.busyMicros ?? 0) / 1000;
          while (performance.now() < until);
          return Number(line.slice(0, line.indexOf(' ')));
        })
        .uid('parse')
    : env.fromSequence(0, args.count - 1, { ratePerSecond: args.ratePerSecond }).uid('numbers');
  numbers
    .map((n: number) => {
      const i = args.throwAt.indexOf(n);
      if (i >= 0 && fireOnce(i)) throw new Error(`injected failure at record ${n}`);
      return { key: keyOf(n, args.keys), n };
    })
    .uid('tag')
    .keyBy('key')
    .process<string>((record, ctx, out) => {
      const i = args.exitAt.indexOf(record.n);
      if (i >= 0 && fireOnce(args.throwAt.length + i)) process.exit(3);
      const until = performance.now() + (args.counterBusyMicros ?? 0) / 1000;
      while (performance.now() < until);
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect(`${record.key} ${count.value()}`);
    })
    .uid('counter')
    .writeFiles(args.output);
});
