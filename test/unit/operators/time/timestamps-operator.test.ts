// The timestamp assigner gives records their timestamps and emits the strategy's watermarks:
// bounded out-of-orderness and monotonous ones periodically (on a manual clock), punctuated ones per
// record, idleness after the timeout without records; its generator state survives a restore.
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../../../src/errors.ts';
import { ProcessingTimers } from '../../../../src/operators/time/processing-time-service.ts';
import { timestampsAndWatermarksOperator } from '../../../../src/operators/time/timestamps-operator.ts';
import { WatermarkStrategy } from '../../../../src/operators/time/watermark-strategy.ts';
import { ManualClock } from '../../../../src/util/clock.ts';
import { operatorContext } from '../../../support/operator-context.ts';

interface E {
  readonly ts: number;
  readonly mark?: boolean;
}

async function assigner(strategy: WatermarkStrategy<E>, restore?: unknown[]) {
  const clock = new ManualClock(1000);
  const timers = new ProcessingTimers(clock);
  const time = { current: undefined as number | undefined };
  const out: (string | number)[] = [];
  const op = timestampsAndWatermarksOperator(strategy as WatermarkStrategy<unknown>)(
    operatorContext({ recordTime: time, processingTime: timers }),
    {
      collect: (r) => out.push(`${(r as E).ts}@${time.current}`),
      emitWatermark: (t) => out.push(t),
      emitWatermarkStatus: (idle) => out.push(idle ? 'idle' : 'active'),
    },
  );
  await op.open?.();
  if (restore) op.restoreState?.(restore);
  const tick = (ms: number): void => {
    clock.advance(ms);
    timers.fireDue();
  };
  return { op, out, tick, time };
}

describe('timestampsAndWatermarksOperator', () => {
  it('emits max - bound - 1 every interval (bounded out-of-orderness)', async () => {
    const { op, out, tick } = await assigner(
      WatermarkStrategy.forBoundedOutOfOrderness<E>(10).withTimestampAssigner((e) => e.ts),
    );
    op.process({ ts: 100 });
    op.process({ ts: 90 });
    expect(out).toEqual(['100@100', '90@90']);
    tick(199);
    expect(out).toHaveLength(2);
    tick(1);
    expect(out).toEqual(['100@100', '90@90', 89]);
    tick(200); // nothing new: no repeated watermark
    op.process({ ts: 150 });
    tick(200);
    expect(out).toEqual(['100@100', '90@90', 89, '150@150', 139]);
  });

  it('follows the largest timestamp (monotonous) at the interval given', async () => {
    const { op, out, tick } = await assigner(
      WatermarkStrategy.forMonotonousTimestamps<E>()
        .withTimestampAssigner((e) => e.ts)
        .withAutoWatermarkInterval(50),
    );
    op.process({ ts: 7 });
    tick(50);
    expect(out).toEqual(['7@7', 6]);
  });

  it('emits punctuated watermarks after the record that carries them', async () => {
    const { op, out } = await assigner(
      WatermarkStrategy.forGenerator<E>(() => ({
        onEvent: (e, ts, output) => {
          if (e.mark) output.emitWatermark(ts);
        },
        onPeriodicEmit: () => {},
      })).withTimestampAssigner((e) => e.ts),
    );
    op.process({ ts: 5 });
    op.process({ ts: 9, mark: true });
    expect(out).toEqual(['5@5', '9@9', 9]);
  });

  it('goes idle after the idleness timeout and active with the next record', async () => {
    const { op, out, tick } = await assigner(
      WatermarkStrategy.forBoundedOutOfOrderness<E>(0)
        .withTimestampAssigner((e) => e.ts)
        .withIdleness(500),
    );
    op.process({ ts: 10 });
    tick(200);
    tick(200);
    expect(out).toEqual(['10@10', 9]);
    tick(200);
    expect(out).toEqual(['10@10', 9, 'idle']);
    op.process({ ts: 20 });
    tick(200);
    expect(out).toEqual(['10@10', 9, 'idle', 'active', '20@20', 19]);
  });

  it('restores the largest timestamp seen (the smallest of several states)', async () => {
    const strategy = WatermarkStrategy.forBoundedOutOfOrderness<E>(0).withTimestampAssigner((e) => e.ts);
    const first = await assigner(strategy);
    first.op.process({ ts: 500 });
    const state = first.op.snapshotState?.(1);
    const { out, tick } = await assigner(strategy, [state, { generator: 700 }]);
    tick(200);
    expect(out).toEqual([499]);
  });

  it('passes the end of input, and refuses a record without a timestamp', async () => {
    const { op, out } = await assigner(WatermarkStrategy.forMonotonousTimestamps<E>());
    op.processWatermark?.(Number.POSITIVE_INFINITY);
    op.processWatermark?.(50);
    expect(out).toEqual([Number.POSITIVE_INFINITY]);
    expect(() => op.process({ ts: 1 })).toThrow(WeirError);
  });

  it('rejects bad options with errors naming them', () => {
    expect(() => WatermarkStrategy.forBoundedOutOfOrderness(-1)).toThrow(/maxOutOfOrdernessMs/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withIdleness(0)).toThrow(/withIdleness/);
    expect(() => WatermarkStrategy.forMonotonousTimestamps().withTimestampAssigner(3 as never)).toThrow(
      /withTimestampAssigner/,
    );
  });
});
