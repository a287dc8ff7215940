// `process` windows see all their elements in arrival order with the window's metadata (also when
// sessions merge, on both backends), count windows emit every `size` records of a key, and
// processing-time windows fire when the (manual) processing clock passes their end.
import { describe, expect, it } from 'vitest';
import { countWindowOperator } from '../../../../src/operators/windowing/count-window-operator.ts';
import {
  EventTimeSessionWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
} from '../../../../src/operators/windowing/window-assigners.ts';
import {
  aggregateContents,
  processContents,
  reduceContents,
} from '../../../../src/operators/windowing/window-function.ts';
import { windowOperator } from '../../../../src/operators/windowing/window-operator.ts';
import { KeyedOperatorHarness } from '../../../support/keyed-operator-harness.ts';
import { byKey, countSum, type Ev } from './window-reference.ts';

const ids = processContents((key, ctx, elements, out) =>
  out.collect(
    `${String(key)} [${ctx.window.start},${ctx.window.end}) ${(elements as Ev[]).map((e) => e.id).join(',')}`,
  ),
);

describe.each(['heap', 'embedded'] as const)('process windows (%s)', (backend) => {
  it('see every element of the window in arrival order', async () => {
    const factory = windowOperator(byKey, {
      assigner: TumblingEventTimeWindows.of(100),
      allowedLatenessMs: 0,
      lateTag: undefined,
      contents: ids,
    });
    const h = await KeyedOperatorHarness.open(factory, byKey.fn, { backend });
    for (const [ts, id] of [
      [50, 1],
      [10, 2],
      [150, 3],
      [99, 4],
    ] as const)
      h.process({ key: 'a', ts, id }, ts);
    h.watermark(99);
    expect(h.values()).toEqual(['a [0,100) 1,2,4']);
    h.watermark(Number.POSITIVE_INFINITY);
    expect(h.values()).toEqual(['a [0,100) 1,2,4', 'a [100,200) 3']);
    h.dispose();
  });

  it('keep the elements of merged sessions, survive a snapshot', async () => {
    const factory = windowOperator(byKey, {
      assigner: EventTimeSessionWindows.withGap(100),
      allowedLatenessMs: 0,
      lateTag: undefined,
      contents: ids,
    });
    const h = await KeyedOperatorHarness.open(factory, byKey.fn, { backend });
    h.process({ key: 'a', ts: 0, id: 1 }, 0);
    h.process({ key: 'a', ts: 200, id: 2 }, 200);
    const restored = await KeyedOperatorHarness.open(factory, byKey.fn, {
      backend,
      parallelism: 2,
      restore: await h.snapshot(),
    });
    restored.process({ key: 'a', ts: 100, id: 3 }, 100);
    restored.watermark(Number.POSITIVE_INFINITY);
    expect(restored.values()).toEqual(['a [0,300) 1,2,3']);
    h.dispose();
    restored.dispose();
  });
});

/** An average whose `add` mutates its accumulator in place, as the contract allows. */
const average = aggregateContents({
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (e: unknown, acc: { sum: number; n: number }) => {
    acc.sum += (e as Ev).id;
    acc.n++;
    return acc;
  },
  getResult: (acc: { sum: number; n: number }) => `${acc.sum}/${acc.n}`,
  merge: (a: { sum: number; n: number }, b: { sum: number; n: number }) => ({
    sum: a.sum + b.sum,
    n: a.n + b.n,
  }),
} as Parameters<typeof aggregateContents>[0]);

describe('aggregate accumulators (copy on write)', () => {
  it('are mutated in place between snapshots and copied once after one', () => {
    const ev = (id: number): Ev => ({ key: 'a', ts: id, id });
    let owned = new WeakSet<object>();
    const first = average.add(undefined, ev(1), owned);
    expect(average.add(first, ev(2), owned)).toBe(first); // no copy per record
    owned = new WeakSet(); // a snapshot now shares `first`
    const copy = average.add(first, ev(3), owned);
    expect(copy).not.toBe(first);
    expect(first).toEqual({ sum: 3, n: 2 }); // what the snapshot holds is unchanged
    expect(average.add(copy, ev(4), owned)).toBe(copy);
    expect(copy).toEqual({ sum: 10, n: 4 });
  });

  it.each(['heap', 'embedded'] as const)(
    'a snapshot encoded after later records keeps its own values (%s)',
    async (backend) => {
      const factory = windowOperator(byKey, {
        assigner: TumblingEventTimeWindows.of(100),
        allowedLatenessMs: 0,
        lateTag: undefined,
        contents: average,
      });
      const h = await KeyedOperatorHarness.open(factory, byKey.fn, { backend });
      for (const id of [1, 2]) h.process({ key: 'a', ts: id, id }, id);
      const encode = h.snapshotLater();
      for (const id of [3, 4]) h.process({ key: 'a', ts: id, id }, id); // while the snapshot is pending
      const restored = await KeyedOperatorHarness.open(factory, byKey.fn, {
        backend,
        restore: await encode(),
      });
      restored.watermark(Number.POSITIVE_INFINITY);
      h.watermark(Number.POSITIVE_INFINITY);
      expect(restored.values()).toEqual(['3/2']);
      expect(h.values()).toEqual(['10/4']);
      h.dispose();
      restored.dispose();
    },
  );
});

describe('count windows', () => {
  it('emit every `size` records of a key, and keep the rest', async () => {
    const factory = countWindowOperator(
      byKey,
      3,
      reduceContents((a, b) => ({ ...(a as Ev), id: (a as Ev).id + (b as Ev).id })),
    );
    const h = await KeyedOperatorHarness.open(factory, byKey.fn);
    for (let id = 1; id <= 7; id++) h.process({ key: id % 2 ? 'a' : 'b', ts: id, id }, id);
    expect(h.values()).toEqual([
      { key: 'a', ts: 1, id: 1 + 3 + 5 },
      { key: 'b', ts: 2, id: 2 + 4 + 6 },
    ]);
    h.dispose();
  });

  it('hand a process function the elements of the window', async () => {
    const factory = countWindowOperator(byKey, 2, ids);
    const h = await KeyedOperatorHarness.open(factory, byKey.fn, { backend: 'embedded' });
    for (let id = 1; id <= 5; id++) h.process({ key: 'a', ts: id, id }, id);
    expect(h.values()).toEqual(['a [-Infinity,Infinity) 1,2', 'a [-Infinity,Infinity) 3,4']);
    h.dispose();
  });
});

describe('processing-time windows', () => {
  it('fire when the processing clock passes their end, without any watermark', async () => {
    const factory = windowOperator(byKey, {
      assigner: TumblingProcessingTimeWindows.of(1000),
      allowedLatenessMs: 0,
      lateTag: undefined,
      contents: aggregateContents(countSum as never),
    });
    const h = await KeyedOperatorHarness.open(factory, byKey.fn);
    h.advanceProcessingTime(100);
    h.process({ key: 'a', ts: 0, id: 1 });
    h.process({ key: 'b', ts: 0, id: 2 });
    h.advanceProcessingTime(850);
    expect(h.values()).toEqual([]);
    h.advanceProcessingTime(50);
    expect(h.values()).toEqual([
      { count: 1, sum: 1 },
      { count: 1, sum: 2 },
    ]);
    h.process({ key: 'a', ts: 0, id: 3 });
    h.advanceProcessingTime(1000);
    expect(h.values()).toHaveLength(3);
    h.dispose();
  });
});
