/**
 * The windows benchmark's jobs. `mode` picks the keyed stage after the same source, timestamps and
 * keyBy: `keyed` (a rolling count, no windows: the baseline), `tumbling` (a count per key and
 * tumbling window), `session` (a count per session). Throughput trials use event time = record
 * number (ms); latency trials use wall-clock timestamps, and the sink writes, per window result,
 * the time from the window's end to its arrival into `latencies` (an Int32 count, then Float64
 * slots of ms from byte 8, overwritten round-robin once full).
 */
import {
  defineJob,
  EventTimeSessionWindows,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../../src/index.ts';

export interface WindowsJobArgs {
  readonly mode: 'keyed' | 'tumbling' | 'session';
  readonly records: number;
  readonly keys: number;
  readonly parallelism: number;
  readonly windowMs: number;
  readonly sessionGapMs: number;
  readonly watermarkIntervalMs: number;
  /** Latency trials: records per second and the shared latency slots. */
  readonly ratePerSecond?: number;
  readonly latencies?: SharedArrayBuffer;
}

interface Event {
  readonly key: number;
  readonly ts: number;
}

export default defineJob<WindowsJobArgs>((env, args) => {
  const wallClock = args.latencies !== undefined;
  const keyed = env
    .fromSequence(0, args.records - 1, args.ratePerSecond ? { ratePerSecond: args.ratePerSecond } : {})
    .uid('numbers')
    .setParallelism(1)
    .map((n: number): Event => ({ key: (n * 7919) % args.keys, ts: wallClock ? Date.now() : n }))
    .uid('events')
    .setParallelism(1)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forMonotonousTimestamps<Event>()
        .withTimestampAssigner((e) => e.ts)
        .withAutoWatermarkInterval(args.watermarkIntervalMs),
    )
    .uid('timestamps')
    .setParallelism(1)
    .keyBy('key');
  const count = {
    createAccumulator: () => 0,
    add: (_e: Event, n: number) => n + 1,
    getResult: (n: number) => n,
    merge: (a: number, b: number) => a + b,
  };
  const counter = args.latencies ? new Int32Array(args.latencies, 0, 1) : undefined;
  const slots = args.latencies ? new Float64Array(args.latencies, 8) : undefined;
  const results =
    args.mode === 'keyed'
      ? keyed.count()
      : keyed
          .window(
            args.mode === 'tumbling'
              ? TumblingEventTimeWindows.of(args.windowMs)
              : EventTimeSessionWindows.withGap(args.sessionGapMs),
          )
          .aggregate(count, (_key, ctx, [n], out) => out.collect({ n, end: ctx.window.end }));
  results
    .uid('results')
    .setParallelism(args.parallelism)
    .sinkTo((result) => {
      if (slots === undefined || counter === undefined) return;
      const i = Atomics.add(counter, 0, 1) % slots.length;
      slots[i] = Date.now() - (result as { end: number }).end;
    });
});
