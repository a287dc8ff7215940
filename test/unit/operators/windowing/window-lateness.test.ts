// With allowed lateness, for random input in any order: records past the lateness go to the late
// side output and nowhere else, every other record updates its window, and the firings (the first
// when the watermark passes the window, one more per record accepted after it) equal a reference
// model of Flink's event-time trigger.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TumblingEventTimeWindows } from '../../../../src/operators/windowing/window-assigners.ts';
import { aggregateContents, reduceContents } from '../../../../src/operators/windowing/window-function.ts';
import { windowOperator } from '../../../../src/operators/windowing/window-operator.ts';
import { KeyedOperatorHarness } from '../../../support/keyed-operator-harness.ts';
import { type Acc, byKey, countSum, type Ev, resultLine } from './window-reference.ts';

const SIZE = 100;

/** Firings and late records of tumbling windows, record by record, watermark `max - bound - 1` after each. */
function model(events: readonly Ev[], bound: number, lateness: number): { lines: string[]; late: number[] } {
  const windows = new Map<string, { key: string; start: number; acc: Acc; fired: boolean }>();
  const lines: string[] = [];
  const late: number[] = [];
  let wm = Number.NEGATIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const emit = (w: { key: string; start: number; acc: Acc }): void => {
    lines.push(resultLine(w.key, { start: w.start, end: w.start + SIZE }, w.acc));
  };
  const advance = (to: number): void => {
    wm = to;
    for (const [id, w] of windows) {
      if (!w.fired && w.start + SIZE - 1 <= wm) {
        w.fired = true;
        emit(w);
      }
      if (w.start + SIZE - 1 + lateness <= wm) windows.delete(id);
    }
  };
  for (const e of events) {
    const start = e.ts - (e.ts % SIZE);
    if (start + SIZE - 1 + lateness <= wm) late.push(e.id);
    else {
      const id = `${e.key}|${start}`;
      const w = windows.get(id) ?? { key: e.key, start, acc: countSum.createAccumulator(), fired: false };
      w.acc = countSum.add(e, w.acc);
      windows.set(id, w);
      if (start + SIZE - 1 <= wm) {
        w.fired = true;
        emit(w);
      }
    }
    if (e.ts > max) {
      max = e.ts;
      if (max - bound - 1 > wm) advance(max - bound - 1);
    }
  }
  advance(Number.POSITIVE_INFINITY);
  return { lines: lines.sort(), late: late.sort((a, b) => a - b) };
}

const anyOrder = fc
  .array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), ts: fc.nat(999) }), {
    minLength: 1,
    maxLength: 120,
  })
  .map((raw) => raw.map((r, id): Ev => ({ ...r, id })));

describe('allowed lateness', () => {
  it('late firings and the late side output equal the reference model, at parallelism 1-4', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyOrder,
        fc.nat(150),
        fc.nat(250),
        fc.integer({ min: 1, max: 4 }),
        async (events, bound, lateness, parallelism) => {
          const factory = windowOperator(byKey, {
            assigner: TumblingEventTimeWindows.of(SIZE),
            allowedLatenessMs: lateness,
            lateTag: 'late',
            contents: aggregateContents(countSum as never, (key, ctx, [acc], out) =>
              out.collect(resultLine(key, ctx.window, acc as Acc)),
            ),
          });
          const harness = await KeyedOperatorHarness.open(factory, byKey.fn, { parallelism });
          let max = Number.NEGATIVE_INFINITY;
          for (const e of events) {
            harness.process(e, e.ts);
            if (e.ts > max) {
              max = e.ts;
              harness.watermark(max - bound - 1);
            }
          }
          harness.watermark(Number.POSITIVE_INFINITY);
          const want = model(events, bound, lateness);
          expect((harness.values() as string[]).sort()).toEqual(want.lines);
          const late = (harness.side.get('late') ?? []).map((e) => (e.value as Ev).id);
          expect(late.sort((a, b) => a - b)).toEqual(want.late);
          // Late records keep their own timestamps on the side output.
          for (const e of harness.side.get('late') ?? []) expect(e.timestamp).toBe((e.value as Ev).ts);
          harness.dispose();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('drops late records without a side output (reduce), emitting only on-time results', async () => {
    const factory = windowOperator(byKey, {
      assigner: TumblingEventTimeWindows.of(SIZE),
      allowedLatenessMs: 0,
      lateTag: undefined,
      contents: reduceContents((a, b) => ({ ...(a as Ev), id: (a as Ev).id + (b as Ev).id })),
    });
    const harness = await KeyedOperatorHarness.open(factory, byKey.fn);
    harness.process({ key: 'a', ts: 10, id: 1 }, 10);
    harness.process({ key: 'a', ts: 20, id: 2 }, 20);
    harness.watermark(150);
    harness.process({ key: 'a', ts: 30, id: 4 }, 30);
    harness.watermark(Number.POSITIVE_INFINITY);
    expect(harness.values()).toEqual([{ key: 'a', ts: 10, id: 3 }]);
    expect(harness.side.size).toBe(0);
    expect(harness.watermarks[0]).toEqual([150, Number.POSITIVE_INFINITY]);
    harness.dispose();
  });
});
