// Timers in keyed process functions: one per key and timestamp, fired in time order with their key
// in scope when the watermark (or the manual processing clock) reaches them, deletable, and keyed
// state: restored and redistributed at another parallelism, on both backends.
import { describe, expect, it } from 'vitest';
import type { Key } from '../../../src/operators/functions.ts';
import type { ResolvedKeySelector } from '../../../src/operators/key-selector.ts';
import type { KeyedProcessFunction } from '../../../src/operators/keyed-process-function.ts';
import { keyedProcessOperator } from '../../../src/operators/keyed-process-operator.ts';
import { OutputTag } from '../../../src/operators/side-output.ts';
import { KeyedOperatorHarness } from '../../support/keyed-operator-harness.ts';

interface R {
  readonly key: string;
  readonly at: number;
  readonly processing?: boolean;
  readonly cancel?: number;
}

const byKey: ResolvedKeySelector = { fn: (r) => (r as R).key as Key, description: 'key', field: 'key' };
const echo = new OutputTag<string>('echo');

const fn: KeyedProcessFunction<R, string> = {
  processElement(r, ctx, out) {
    const timers = ctx.timerService();
    if (r.cancel !== undefined) timers.deleteEventTimeTimer(r.cancel);
    else if (r.processing) timers.registerProcessingTimeTimer(r.at);
    else timers.registerEventTimeTimer(r.at);
    ctx.output(echo, `${r.key}@${ctx.timestamp}`);
    if (timers.currentWatermark() > 1000) out.collect('never');
  },
  onTimer(timestamp, ctx, out) {
    out.collect(`${String(ctx.currentKey)} ${ctx.timeDomain} ${timestamp} ts=${ctx.timestamp}`);
  },
};

const open = (options: Parameters<typeof KeyedOperatorHarness.open>[2] = {}) =>
  KeyedOperatorHarness.open(
    keyedProcessOperator(byKey, fn as KeyedProcessFunction<unknown, unknown>),
    byKey.fn,
    options,
  );

describe.each(['heap', 'embedded'] as const)('keyed timers (%s)', (backend) => {
  it('fire once per key and timestamp, in time order, with the key in scope', async () => {
    const h = await open({ backend, parallelism: 2 });
    h.process({ key: 'a', at: 30 }, 1);
    h.process({ key: 'b', at: 10 }, 2);
    h.process({ key: 'a', at: 30 }, 3);
    h.process({ key: 'a', at: 20 }, 4);
    h.process({ key: 'c', at: 99 }, 5);
    h.process({ key: 'c', at: 0, cancel: 99 }, 6);
    h.watermark(25);
    expect(h.values()).toEqual(['b event-time 10 ts=10', 'a event-time 20 ts=20']);
    h.watermark(Number.POSITIVE_INFINITY);
    expect(h.values()).toEqual(['b event-time 10 ts=10', 'a event-time 20 ts=20', 'a event-time 30 ts=30']);
    expect(h.side.get('echo')?.map((e) => e.value)).toEqual(['a@1', 'b@2', 'a@3', 'a@4', 'c@5', 'c@6']);
    expect(h.watermarks.every((w) => w.at(-1) === Number.POSITIVE_INFINITY)).toBe(true);
    h.dispose();
  });

  it('fire processing-time timers on the processing clock', async () => {
    const h = await open({ backend });
    h.process({ key: 'a', at: 500, processing: true });
    h.advanceProcessingTime(499);
    expect(h.values()).toEqual([]);
    h.advanceProcessingTime(1);
    expect(h.values()).toEqual(['a processing-time 500 ts=undefined']);
    h.dispose();
  });

  it('are restored at another parallelism, and fire once', async () => {
    for (const [from, to] of [
      [1, 3],
      [3, 2],
    ] as const) {
      const before = await open({ backend, parallelism: from });
      for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) before.process({ key, at: 100 + i });
      before.process({ key: 'a', at: 1000, processing: true });
      before.watermark(101);
      const snapshot = await before.snapshot();
      const after = await open({ backend, parallelism: to, restore: snapshot });
      after.watermark(Number.POSITIVE_INFINITY);
      after.advanceProcessingTime(1000);
      expect(before.values()).toEqual(['a event-time 100 ts=100', 'b event-time 101 ts=101']);
      expect((after.values() as string[]).sort()).toEqual([
        'a processing-time 1000 ts=undefined',
        'c event-time 102 ts=102',
        'd event-time 103 ts=103',
        'e event-time 104 ts=104',
      ]);
      before.dispose();
      after.dispose();
    }
  });
});
