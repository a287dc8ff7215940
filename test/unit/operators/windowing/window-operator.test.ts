// Every window's result equals the reference on the sorted input, for random out-of-order input
// with a known bound, at parallelism 1-4, on the heap and the embedded backend; also after a
// snapshot restored at another parallelism mid-stream. Results carry their window's last timestamp.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  type WindowAssigner,
} from '../../../../src/operators/windowing/window-assigners.ts';
import { aggregateContents } from '../../../../src/operators/windowing/window-function.ts';
import { windowOperator } from '../../../../src/operators/windowing/window-operator.ts';
import { KeyedOperatorHarness } from '../../../support/keyed-operator-harness.ts';
import {
  type Acc,
  byKey,
  countSum,
  type Ev,
  outOfOrderEvents,
  referenceSessions,
  referenceWindows,
  resultLine,
} from './window-reference.ts';

const harnesses: KeyedOperatorHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.dispose();
});

function windows(assigner: WindowAssigner) {
  return windowOperator(byKey, {
    assigner,
    allowedLatenessMs: 0,
    lateTag: 'late',
    contents: aggregateContents(countSum as never, (key, ctx, [acc], out) =>
      out.collect(resultLine(key, ctx.window, acc as Acc)),
    ),
  });
}

async function open(
  assigner: WindowAssigner,
  options: Parameters<typeof KeyedOperatorHarness.open>[2],
): Promise<KeyedOperatorHarness> {
  const harness = await KeyedOperatorHarness.open(windows(assigner), byKey.fn, options);
  harnesses.push(harness);
  return harness;
}

/** Feeds `events` with a bounded-out-of-orderness watermark after each; returns the highest watermark. */
function feed(
  harness: KeyedOperatorHarness,
  events: readonly Ev[],
  bound: number,
  from = Number.NEGATIVE_INFINITY,
): number {
  let max = from;
  for (const e of events) {
    harness.process(e, e.ts);
    if (e.ts > max) {
      max = e.ts;
      harness.watermark(max - bound - 1);
    }
  }
  return max;
}

const cases: Array<[string, WindowAssigner, (events: readonly Ev[]) => string[]]> = [
  [
    'tumbling',
    TumblingEventTimeWindows.of(500),
    (e) => referenceWindows(e, TumblingEventTimeWindows.of(500).assignWindows),
  ],
  [
    'sliding',
    SlidingEventTimeWindows.of(600, 200),
    (e) => referenceWindows(e, SlidingEventTimeWindows.of(600, 200).assignWindows),
  ],
  ['session', EventTimeSessionWindows.withGap(120), (e) => referenceSessions(e, 120)],
];

describe.each(cases)('%s event-time windows', (_name, assigner, reference) => {
  it('equal the reference on the sorted input, at parallelism 1-4 (heap)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(300).chain((bound) => fc.tuple(fc.constant(bound), outOfOrderEvents(bound))),
        fc.integer({ min: 1, max: 4 }),
        async ([bound, events], parallelism) => {
          const harness = await open(assigner, { parallelism });
          feed(harness, events, bound);
          expect(harness.side.get('late')).toBeUndefined();
          harness.watermark(Number.POSITIVE_INFINITY);
          expect((harness.values() as string[]).sort()).toEqual(reference(events));
          for (const { value, timestamp } of harness.output)
            expect(timestamp).toBe(Number((value as string).split('|')[2]) - 1);
          harness.dispose();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('equal the reference after a snapshot restored at another parallelism (embedded backend)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(200).chain((bound) => fc.tuple(fc.constant(bound), outOfOrderEvents(bound))),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async ([bound, events], from, to, at) => {
          const cut = Math.floor(events.length * at);
          const before = await open(assigner, { parallelism: from, backend: 'embedded' });
          const max = feed(before, events.slice(0, cut), bound);
          const snapshot = await before.snapshot();
          const after = await open(assigner, { parallelism: to, backend: 'embedded', restore: snapshot });
          feed(after, events.slice(cut), bound, max);
          after.watermark(Number.POSITIVE_INFINITY);
          const lines = [...before.values(), ...after.values()] as string[];
          expect(lines.sort()).toEqual(reference(events));
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('session windows', () => {
  it('merge a record that bridges two sessions into one', async () => {
    const harness = await open(EventTimeSessionWindows.withGap(100), {});
    harness.process({ key: 'a', ts: 0, id: 1 }, 0);
    harness.process({ key: 'a', ts: 200, id: 2 }, 200);
    // [100, 200) touches [0, 100) and [200, 300): the three become [0, 300).
    harness.process({ key: 'a', ts: 100, id: 4 }, 100);
    harness.watermark(Number.POSITIVE_INFINITY);
    expect(harness.values()).toEqual(['a|0|300|3|7']);
  });

  it('keep sessions apart that the bridge does not reach', async () => {
    const harness = await open(EventTimeSessionWindows.withGap(100), {});
    harness.process({ key: 'a', ts: 0, id: 1 }, 0);
    harness.process({ key: 'a', ts: 300, id: 2 }, 300);
    harness.process({ key: 'a', ts: 50, id: 4 }, 50);
    harness.watermark(Number.POSITIVE_INFINITY);
    expect((harness.values() as string[]).sort()).toEqual(['a|0|150|2|5', 'a|300|400|1|2']);
  });
});
