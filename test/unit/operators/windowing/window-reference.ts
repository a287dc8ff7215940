// Reference results for window tests, computed on the input sorted by timestamp, and the random
// inputs: events per key whose arrival is out of order by at most a known bound.
import fc from 'fast-check';
import type { ResolvedKeySelector } from '../../../../src/operators/key-selector.ts';
import type { TimeWindow } from '../../../../src/operators/windowing/window-assigners.ts';

export interface Ev {
  readonly key: string;
  readonly ts: number;
  readonly id: number;
}

export const byKey: ResolvedKeySelector = {
  fn: (record) => (record as Ev).key,
  description: 'field "key"',
  field: 'key',
};

export interface Acc {
  readonly count: number;
  readonly sum: number;
}

export const countSum = {
  createAccumulator: (): Acc => ({ count: 0, sum: 0 }),
  add: (e: Ev, acc: Acc): Acc => ({ count: acc.count + 1, sum: acc.sum + e.id }),
  getResult: (acc: Acc): Acc => acc,
  merge: (a: Acc, b: Acc): Acc => ({ count: a.count + b.count, sum: a.sum + b.sum }),
};

/** A window's result as tests compare them. */
export const resultLine = (key: unknown, w: TimeWindow, acc: Acc): string =>
  `${String(key)}|${w.start}|${w.end}|${acc.count}|${acc.sum}`;

/**
 * Events with timestamps in [0, span), in an arrival order where each event comes after every event
 * more than `bound` earlier than it (sorted by timestamp plus a jitter in [0, bound]).
 */
export function outOfOrderEvents(bound: number, span = 5000): fc.Arbitrary<Ev[]> {
  return fc
    .array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
        ts: fc.nat(span - 1),
        jitter: fc.nat(bound),
      }),
      { minLength: 1, maxLength: 150 },
    )
    .map((raw) =>
      raw
        .map((r, id) => ({ ...r, id }))
        .sort((x, y) => x.ts + x.jitter - (y.ts + y.jitter) || x.id - y.id)
        .map(({ key, ts, id }) => ({ key, ts, id })),
    );
}

/** Per window `[start, end)` of `assign`, the count and sum of ids of its events. */
export function referenceWindows(events: readonly Ev[], assign: (ts: number) => TimeWindow[]): string[] {
  const windows = new Map<string, { key: string; w: TimeWindow; acc: Acc }>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    for (const w of assign(e.ts)) {
      const id = `${e.key}|${w.start}|${w.end}`;
      const acc = windows.get(id)?.acc ?? { count: 0, sum: 0 };
      windows.set(id, { key: e.key, w, acc: countSum.add(e, acc) });
    }
  }
  return [...windows.values()].map(({ key, w, acc }) => resultLine(key, w, acc)).sort();
}

/** Session windows of `gap` per key (windows that overlap or touch merge, as Flink's do). */
export function referenceSessions(events: readonly Ev[], gap: number): string[] {
  const lines: string[] = [];
  for (const key of new Set(events.map((e) => e.key))) {
    const list = events.filter((e) => e.key === key).sort((a, b) => a.ts - b.ts);
    let w = { start: list[0]!.ts, end: list[0]!.ts + gap };
    let acc = countSum.createAccumulator();
    for (const e of list) {
      if (e.ts > w.end) {
        lines.push(resultLine(key, w, acc));
        w = { start: e.ts, end: e.ts + gap };
        acc = countSum.createAccumulator();
      }
      w = { start: w.start, end: Math.max(w.end, e.ts + gap) };
      acc = countSum.add(e, acc);
    }
    lines.push(resultLine(key, w, acc));
  }
  return lines.sort();
}
