// The dashboard tests' job: a rate-limited sequence through a map (where a test injects a failure
// on demand) and a keyed count into a sink of its own: three vertices, one hash exchange. Record n
// has event time n (watermarks every 50 ms). Bounded by `count` when given, unbounded otherwise.
import { defineJob, WatermarkStrategy } from '../../../src/index.ts';

export interface DashboardJobArgs {
  readonly ratePerSecond: number;
  /** Records in all; absent: unbounded. */
  readonly count?: number;
  /**
   * One Int32 slot, seen by every thread: a test stores 1 to make the next record fail the map
   * (once: the failing subtask stores 2). Absent: never fails (from the command line).
   */
  readonly fail?: SharedArrayBuffer;
}

export default defineJob<DashboardJobArgs>((env, args) => {
  const fail = new Int32Array(args.fail ?? new SharedArrayBuffer(4));
  env
    .fromSequence(0, args.count === undefined ? undefined : args.count - 1, {
      ratePerSecond: args.ratePerSecond,
    })
    .uid('numbers')
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forMonotonousTimestamps<number>()
        .withTimestampAssigner((n) => n)
        .withAutoWatermarkInterval(50),
    )
    .map((n: number) => {
      if (Atomics.load(fail, 0) === 1 && Atomics.compareExchange(fail, 0, 1, 2) === 1)
        throw new Error(`injected failure at record ${n}`);
      return { key: n % 16, n };
    })
    .name('enrich')
    .uid('enrich')
    .keyBy('key')
    .sum('n')
    .uid('totals')
    .disableChaining()
    .discard();
});
