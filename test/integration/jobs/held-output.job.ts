// Timestamped records from a backpressured source: a sequence (record n at event time n) into a
// tumbling-window count whose `add` is slow, through a small ring, so an unaligned barrier finds the
// source's writer holding records back (they become the source's output channel state, with their
// timestamps). The count throws once when the test sets `fail`, and the job restores from the
// checkpoint that held them.
import { defineJob, TumblingEventTimeWindows, WatermarkStrategy } from '../../../src/index.ts';

export interface HeldOutputArgs {
  readonly records: number;
  readonly keys: number;
  readonly windowMs: number;
  /** Microseconds of work per record in the window's `add` (keeps the ring full). */
  readonly busyMicros: number;
  /** Int32 flag: the test stores 1 to fail the next `add` (which stores 2). */
  readonly fail: SharedArrayBuffer;
}

export default defineJob<HeldOutputArgs>((env, args) => {
  const fail = new Int32Array(args.fail);
  env
    .fromSequence(0, args.records - 1)
    .uid('numbers')
    .setParallelism(1)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forMonotonousTimestamps<number>()
        .withTimestampAssigner((n) => n)
        .withAutoWatermarkInterval(20),
    )
    .uid('timestamps')
    .setParallelism(1)
    .keyBy((n) => n % args.keys)
    .window(TumblingEventTimeWindows.of(args.windowMs))
    .aggregate(
      {
        createAccumulator: () => 0,
        add: (_n: number, count: number) => {
          if (Atomics.load(fail, 0) === 1 && Atomics.compareExchange(fail, 0, 1, 2) === 1)
            throw new Error('injected failure');
          const until = performance.now() + args.busyMicros / 1000;
          while (performance.now() < until);
          return count + 1;
        },
        getResult: (count: number) => count,
      },
      (key, ctx, [count], out) => out.collect(`${String(key)} ${ctx.window.start} ${count}`),
    )
    .uid('counts')
    .collect({ uid: 'windows' });
});
