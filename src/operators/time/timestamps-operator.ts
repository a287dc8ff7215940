/**
 * The operator behind `assignTimestampsAndWatermarks` (Flink's TimestampsAndWatermarksOperator):
 * gives every record its timestamp, runs the strategy's watermark generator, and emits its
 * watermarks (only increasing ones) and idleness. Watermarks from upstream are replaced by its own,
 * except the end of input ({@link MAX_WATERMARK}), which passes.
 *
 * The generator's state (the largest timestamp seen, for the built-in ones) is operator state, so
 * that a restored job's watermarks start where they were rather than from nothing.
 */

import type { Operator, OperatorFactory } from '../operator.ts';
import { userFunctionError } from '../user-function-error.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from './watermark.ts';
import type { WatermarkOutput } from './watermark-generator.ts';
import type { WatermarkStrategy } from './watermark-strategy.ts';

export function timestampsAndWatermarksOperator(strategy: WatermarkStrategy<unknown>): OperatorFactory {
  return (context, output): Operator => {
    const time = context.recordTime;
    const clock = context.processingTime;
    const generator = strategy.createGenerator(() => clock.now());
    const assigner = strategy.timestampAssigner;
    const interval = strategy.autoWatermarkIntervalMs;
    let current = MIN_WATERMARK;
    let idle = false;
    const markActive = (): void => {
      if (!idle) return;
      idle = false;
      output.emitWatermarkStatus(false);
    };
    const watermarks: WatermarkOutput = {
      emitWatermark(timestamp) {
        if (!(timestamp > current)) return;
        markActive();
        current = timestamp;
        output.emitWatermark(timestamp);
      },
      markIdle() {
        if (idle || current === MAX_WATERMARK) return;
        idle = true;
        output.emitWatermarkStatus(true);
      },
      markActive,
    };
    const tick = (at: number): void => {
      generator.onPeriodicEmit(watermarks);
      clock.schedule(at + interval, tick);
    };
    return {
      open() {
        clock.schedule(clock.now() + interval, tick);
      },
      process(record) {
        let timestamp: number;
        try {
          timestamp = assigner === undefined ? time.current! : assigner(record, time.current);
          if (typeof timestamp !== 'number' || !Number.isFinite(timestamp))
            throw new TypeError(
              assigner === undefined
                ? 'the record has no timestamp: give the WatermarkStrategy a timestamp assigner'
                : `the timestamp assigner must return a finite number (ms), got ${String(timestamp)}`,
            );
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
        markActive();
        time.current = timestamp;
        output.collect(record);
        try {
          generator.onEvent(record, timestamp, watermarks);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
      },
      processWatermark(timestamp) {
        if (timestamp === MAX_WATERMARK) watermarks.emitWatermark(MAX_WATERMARK);
      },
      processWatermarkStatus() {},
      snapshotState() {
        return { generator: generator.snapshotState?.() ?? null };
      },
      restoreState(states) {
        const restored = states
          .map((s) => (s as { generator?: unknown } | null)?.generator)
          .filter((s) => s !== undefined && s !== null);
        if (restored.length > 0) generator.restoreState?.(restored);
      },
    };
  };
}
