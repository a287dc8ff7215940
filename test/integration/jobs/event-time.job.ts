// Event-time windows and timers over out-of-order events with a known bound, into the exactly-once
// file sink, with failures injected at chosen records (as chaos.job.ts): an exception in the map,
// or the window operator's worker thread exiting. `eventOf` and `referenceLines` give the input and
// the results a correct run commits, computed on the sorted input.
import { mkdirSync } from 'node:fs';
import {
  type DataStream,
  defineJob,
  EventTimeSessionWindows,
  mapState,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../../../src/index.ts';
import { type CheckpointFailures, crashingFileSink } from './crashing-file-sink.ts';

export type WindowKind = 'tumbling' | 'sliding' | 'session' | 'timers';

export interface EventTimeArgs {
  readonly count: number;
  readonly ratePerSecond: number;
  readonly keys: number;
  /** Largest delay of an event behind the events before it (ms); the watermark strategy's bound. */
  readonly bound: number;
  readonly window: WindowKind;
  readonly output: string;
  readonly throwAt: readonly number[];
  readonly exitAt: readonly number[];
  /** One Int32 flag per failure (throwAt then exitAt): set once it fired. */
  readonly fired: SharedArrayBuffer;
  /** Worker exits inside checkpoints, in the sink (then a two-phase-commit file sink of its own). */
  readonly checkpointFailures?: CheckpointFailures;
}

export interface Event {
  readonly key: string;
  readonly n: number;
  readonly ts: number;
}

/**
 * Event n: 10 ms after event n - 1 (210 after every 40th), minus a delay of up to `bound - 10` (at
 * most 110): out of order, never late.
 */
export function eventOf(n: number, args: Pick<EventTimeArgs, 'keys' | 'bound'>): Event {
  const delay = (n * 7919) % Math.max(1, Math.min(args.bound, 120) - 9);
  return { key: `k${(n * 31) % args.keys}`, n, ts: 1_000_000 + n * 10 + Math.floor(n / 40) * 200 - delay };
}

export const SIZE = 500;
export const SLIDE = 250;
export const GAP = 150;

interface Acc {
  readonly count: number;
  readonly sum: number;
}

const line = (key: string, start: number, end: number, acc: Acc): string =>
  `${key}|${start}|${end}|${acc.count}|${acc.sum}`;

/** What a correct run commits, from all events sorted by timestamp. */
export function referenceLines(args: EventTimeArgs): string[] {
  const events = Array.from({ length: args.count }, (_, n) => eventOf(n, args)).sort((a, b) => a.ts - b.ts);
  const windows = new Map<string, { key: string; start: number; end: number; count: number; sum: number }>();
  const add = (key: string, start: number, end: number, e: Event): void => {
    const id = `${key}|${start}|${end}`;
    const w = windows.get(id) ?? { key, start, end, count: 0, sum: 0 };
    windows.set(id, { ...w, count: w.count + 1, sum: w.sum + e.n });
  };
  if (args.window === 'session') {
    const byKey = new Map<string, Event[]>();
    for (const e of events) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
    const lines: string[] = [];
    for (const [key, list] of byKey) {
      let start = list[0]!.ts;
      let end = start + GAP;
      let acc = { count: 0, sum: 0 };
      for (const e of list) {
        if (e.ts > end) {
          lines.push(line(key, start, end, acc));
          start = e.ts;
          acc = { count: 0, sum: 0 };
        }
        end = Math.max(end, e.ts + GAP);
        acc = { count: acc.count + 1, sum: acc.sum + e.n };
      }
      lines.push(line(key, start, end, acc));
    }
    return lines.sort();
  }
  for (const e of events) {
    if (args.window === 'sliding') {
      for (let start = e.ts - (e.ts % SLIDE); start > e.ts - SIZE; start -= SLIDE)
        add(e.key, start, start + SIZE, e);
    } else {
      const start = e.ts - (e.ts % SIZE);
      add(e.key, start, start + SIZE, e);
    }
  }
  return [...windows.values()].map((w) => line(w.key, w.start, w.end, w)).sort();
}

const sumAggregate = {
  createAccumulator: (): Acc => ({ count: 0, sum: 0 }),
  add: (e: Event, acc: Acc): Acc => ({ count: acc.count + 1, sum: acc.sum + e.n }),
  getResult: (acc: Acc): Acc => acc,
  merge: (a: Acc, b: Acc): Acc => ({ count: a.count + b.count, sum: a.sum + b.sum }),
};

const BUCKETS = mapState<number, Acc>('buckets');

function sink(results: DataStream<string>, args: EventTimeArgs): void {
  const failures = args.checkpointFailures;
  if (failures === undefined) {
    results.writeFiles(args.output);
    return;
  }
  mkdirSync(args.output, { recursive: true });
  results.sinkToTransactional(crashingFileSink(args.output, failures)).uid('sink');
}

export default defineJob<EventTimeArgs>((env, args) => {
  const fired = new Int32Array(args.fired);
  const fireOnce = (index: number): boolean => Atomics.compareExchange(fired, index, 0, 1) === 0;
  const events = env
    .fromSequence(0, args.count - 1, { ratePerSecond: args.ratePerSecond })
    .uid('numbers')
    .map((n: number) => {
      const i = args.throwAt.indexOf(n);
      if (i >= 0 && fireOnce(i)) throw new Error(`injected failure at record ${n}`);
      return eventOf(n, args);
    })
    .uid('events')
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forBoundedOutOfOrderness<Event>(args.bound)
        .withTimestampAssigner((e) => e.ts)
        .withAutoWatermarkInterval(20),
    )
    .uid('timestamps');
  const exitOnce = (e: Event): void => {
    const i = args.exitAt.indexOf(e.n);
    if (i >= 0 && fireOnce(args.throwAt.length + i)) process.exit(3);
  };
  const keyed = events.keyBy('key');
  if (args.window === 'timers') {
    const timers = keyed
      .process<string>({
        processElement(e, ctx, out) {
          exitOnce(e);
          const buckets = ctx.state(BUCKETS);
          const start = e.ts - (e.ts % SIZE);
          const acc = buckets.get(start) ?? { count: 0, sum: 0 };
          buckets.put(start, { count: acc.count + 1, sum: acc.sum + e.n });
          ctx.timerService().registerEventTimeTimer(start + SIZE - 1);
          if (ctx.timerService().currentWatermark() >= e.ts) out.collect(`late ${e.n}`);
        },
        onTimer(timestamp, ctx, out) {
          const buckets = ctx.state(BUCKETS);
          const start = timestamp + 1 - SIZE;
          out.collect(line(String(ctx.currentKey), start, start + SIZE, buckets.get(start)!));
          buckets.remove(start);
        },
      })
      .uid('windows');
    sink(timers, args);
    return;
  }
  const assigner =
    args.window === 'tumbling'
      ? TumblingEventTimeWindows.of(SIZE)
      : args.window === 'sliding'
        ? SlidingEventTimeWindows.of(SIZE, SLIDE)
        : EventTimeSessionWindows.withGap(GAP);
  const windows = keyed
    .window(assigner)
    .aggregate<Acc, Acc, string>(
      {
        ...sumAggregate,
        add: (e: Event, acc: Acc): Acc => {
          exitOnce(e);
          return sumAggregate.add(e, acc);
        },
      },
      (key, ctx, [acc], out) => out.collect(line(String(key), ctx.window.start, ctx.window.end, acc!)),
    )
    .uid('windows');
  sink(windows, args);
});
