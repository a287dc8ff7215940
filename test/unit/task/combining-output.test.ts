// The combiner before a keyed exchange: one partial per key, folded in place or replaced by a
// reduce's new value, sent when the table is full and on flush, never lost or sent twice.
import { describe, expect, it } from 'vitest';
import type { CombineSpec } from '../../../src/graph/stream-node.ts';
import { COMBINER_MAX_KEYS, CombiningOutput } from '../../../src/task/combining-output.ts';

type Rec = { k: string | number; n: number };

function setup(
  combine: Omit<CombineSpec, 'operatorName' | 'operatorUid'>,
  maxDelayMs = Number.POSITIVE_INFINITY,
) {
  const sent: Rec[] = [];
  const output = new CombiningOutput(
    (r) => (r as Rec).k,
    { ...combine, operatorName: 'sum', operatorUid: 'sum-1' },
    { collect: (r) => sent.push({ ...(r as Rec) }) },
    { subtaskIndex: 0, parallelism: 1, maxDelayMs },
  );
  return { output, sent };
}

const inPlace = {
  first: (r: unknown) => ({ ...(r as Rec) }),
  reduce: (p: unknown, r: unknown) => {
    (p as Rec).n += (r as Rec).n;
    return p;
  },
};
const replacing = {
  first: (r: unknown) => r,
  reduce: (p: unknown, r: unknown) => ({ k: (p as Rec).k, n: (p as Rec).n + (r as Rec).n }),
};

describe('CombiningOutput', () => {
  for (const [name, fold] of [
    ['an in-place fold', inPlace],
    ['a reduce returning new values', replacing],
  ] as const) {
    it(`sends one partial per key with ${name}, only when flushed`, () => {
      const { output, sent } = setup(fold);
      for (let i = 0; i < 100; i++) output.collect({ k: `w${i % 3}`, n: 1 });
      expect(sent).toEqual([]);
      output.flush();
      expect(sent).toEqual([
        { k: 'w0', n: 34 },
        { k: 'w1', n: 33 },
        { k: 'w2', n: 33 },
      ]);
      output.flush();
      expect(sent).toHaveLength(3);
    });
  }

  it('sends every partial when the table reaches its bound, then starts over', () => {
    const { output, sent } = setup(inPlace);
    for (let i = 0; i < COMBINER_MAX_KEYS; i++) output.collect({ k: i, n: 1 });
    expect(sent).toHaveLength(COMBINER_MAX_KEYS);
    output.collect({ k: 0, n: 5 });
    output.flush();
    expect(sent.at(-1)).toEqual({ k: 0, n: 5 });
    expect(sent.reduce((s, r) => s + r.n, 0)).toBe(COMBINER_MAX_KEYS + 5);
  });

  it('streaming: holds a mini-batch until its delay has passed, then sends it and starts over', () => {
    const { output, sent } = setup(inPlace, 20);
    expect(output.flushIfDue(performance.now() + 1e6)).toBe(Number.POSITIVE_INFINITY);
    const before = performance.now();
    output.collect({ k: 'a', n: 1 });
    output.collect({ k: 'a', n: 2 });
    const deadline = output.flushIfDue(before);
    expect(deadline).toBeGreaterThanOrEqual(before + 20);
    expect(sent).toEqual([]);
    expect(output.flushIfDue(deadline)).toBe(Number.POSITIVE_INFINITY);
    expect(sent).toEqual([{ k: 'a', n: 3 }]);
    output.collect({ k: 'a', n: 4 });
    expect(output.flushIfDue(deadline)).toBeGreaterThan(deadline);
    output.flush();
    expect(sent).toEqual([
      { k: 'a', n: 3 },
      { k: 'a', n: 4 },
    ]);
  });

  it('batch: never sends a partial on a deadline', () => {
    const { output, sent } = setup(inPlace);
    output.collect({ k: 'a', n: 1 });
    expect(output.flushIfDue(performance.now() + 1e9)).toBe(Number.POSITIVE_INFINITY);
    expect(sent).toEqual([]);
  });

  it('names the aggregation and subtask when the fold throws', () => {
    const { output } = setup({
      ...inPlace,
      reduce: () => {
        throw new TypeError('not a number');
      },
    });
    output.collect({ k: 'a', n: 1 });
    expect(() => output.collect({ k: 'a', n: 1 })).toThrow(/sum/);
  });
});
