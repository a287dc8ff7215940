// The event-time API refuses bad input at declaration with a typed error naming what is wrong, and
// declares side-output streams only on operators that have side outputs.
import { describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  InvalidOptionError,
  OutputTag,
  SlidingEventTimeWindows,
  StreamEnvironment,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  WatermarkStrategy,
} from '../../../src/index.ts';

const keyed = () => new StreamEnvironment().fromArray([{ k: 'a', ts: 1 }]).keyBy('k');

function optionError(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('event-time API checks', () => {
  it('names the bad window option', () => {
    expect(optionError(() => TumblingEventTimeWindows.of(0)).option).toBe('TumblingEventTimeWindows size');
    expect(optionError(() => SlidingEventTimeWindows.of(100, 200)).option).toBe(
      'SlidingEventTimeWindows slide',
    );
    expect(optionError(() => EventTimeSessionWindows.withGap(-1)).option).toBe('EventTimeSessionWindows gap');
    expect(optionError(() => keyed().window({} as never)).option).toBe('window assigner');
    expect(optionError(() => keyed().countWindow(0)).option).toBe('countWindow size');
    expect(
      optionError(() => keyed().window(TumblingEventTimeWindows.of(10)).allowedLateness(-5)).option,
    ).toBe('allowedLateness');
    expect(
      optionError(() => keyed().window(TumblingProcessingTimeWindows.of(10)).allowedLateness(5)).option,
    ).toBe('allowedLateness');
    expect(
      optionError(() =>
        keyed()
          .window(TumblingEventTimeWindows.of(10))
          .reduce(3 as never),
      ).option,
    ).toBe('reduce function');
    expect(optionError(() => new OutputTag('')).option).toBe('OutputTag id');
  });

  it('names a bad strategy, and side outputs of operators without any', () => {
    const env = new StreamEnvironment();
    const stream = env.fromArray([1, 2]);
    expect(optionError(() => stream.assignTimestampsAndWatermarks({} as never)).option).toBe(
      'assignTimestampsAndWatermarks strategy',
    );
    expect(optionError(() => stream.map((n) => n).getSideOutput(new OutputTag('x'))).option).toBe(
      'getSideOutput',
    );
    const windowed = stream
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((n) => n),
      )
      .keyBy((n) => n)
      .window(TumblingEventTimeWindows.of(10))
      .sideOutputLateData(new OutputTag<number>('late'))
      .reduce((a, b) => a + b);
    expect(windowed.getSideOutput(new OutputTag<number>('late')).node?.sideOutputTag).toBe('late');
  });
});
