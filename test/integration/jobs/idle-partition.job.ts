// Two sources with timestamps into one keyed tumbling-window count: `busy` emits `count` events,
// `quiet` never emits anything (it runs until cancelled). With idleness declared on `quiet`, its
// partition stops holding back the watermark and every window of `busy` fires while the job runs;
// each result increments `results[0]` (a shared counter the test watches).
import { defineJob, TumblingEventTimeWindows, WatermarkStrategy } from '../../../src/index.ts';

export interface IdlePartitionArgs {
  readonly count: number;
  /** Idleness timeout of the quiet source (ms); absent: none. */
  readonly idleMs?: number;
  /** One Int32: window results seen by the sink. */
  readonly results: SharedArrayBuffer;
}

export interface Click {
  readonly user: string;
  readonly ts: number;
}

export const WINDOW_MS = 1000;

/** Event n of the busy source: 100 ms apart, three users. */
export const clickOf = (n: number): Click => ({ user: `u${n % 3}`, ts: n * 100 });

export default defineJob<IdlePartitionArgs>((env, args) => {
  const strategy = (idleMs?: number): WatermarkStrategy<Click> => {
    const base = WatermarkStrategy.forMonotonousTimestamps<Click>()
      .withTimestampAssigner((c) => c.ts)
      .withAutoWatermarkInterval(10);
    return idleMs === undefined ? base : base.withIdleness(idleMs);
  };
  const busy = env
    .fromGenerator(clickOf, { count: args.count, ratePerSecond: 2000 })
    .setParallelism(1)
    .assignTimestampsAndWatermarks(strategy());
  const quiet = env
    .fromGenerator(clickOf, { ratePerSecond: 50 })
    .setParallelism(1)
    .filter(() => false)
    .assignTimestampsAndWatermarks(strategy(args.idleMs));
  const results = new Int32Array(args.results);
  busy
    .union(quiet)
    .keyBy('user')
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .aggregate({
      createAccumulator: () => 0,
      add: (_c: Click, n: number) => n + 1,
      getResult: (n: number) => n,
    })
    .sinkTo(() => {
      Atomics.add(results, 0, 1);
    });
});
