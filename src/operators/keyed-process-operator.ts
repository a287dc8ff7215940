/**
 * The operator of `KeyedStream.process`: sets the record's key on the subtask's keyed state backend,
 * calls the user function with a {@link KeyedContext}, and runs its timers ({@link KeyedTimers},
 * keyed state too): event-time timers fire on watermarks before the watermark goes on, processing-
 * time ones when the subtask's processing time reaches them. The operator's watermark is operator
 * state, so that a restored subtask does not take records as early that were late before.
 */
import type { StateDescriptor } from '../state/state-descriptor.ts';
import type { Collector, Key } from './functions.ts';
import type { ResolvedKeySelector } from './key-selector.ts';
import { backendOf } from './keyed.ts';
import type { KeyedContext, KeyedProcessFunction, OnTimerContext } from './keyed-process-function.ts';
import type { Operator, OperatorFactory } from './operator.ts';
import { type OutputTag, SideOutputRecord } from './side-output.ts';
import { KeyedTimers, type TimeDomain } from './time/keyed-timers.ts';
import { restoredWatermark, watermarkState } from './time/operator-watermark.ts';
import { userFunctionError } from './user-function-error.ts';

export function keyedProcessOperator(
  key: ResolvedKeySelector,
  fn: KeyedProcessFunction<unknown, unknown>,
): OperatorFactory {
  return (context, output): Operator => {
    const backend = backendOf(context);
    const time = context.recordTime;
    const element = typeof fn === 'function' ? fn : fn.processElement.bind(fn);
    const onTimer = typeof fn === 'function' ? undefined : fn.onTimer?.bind(fn);
    let domain: TimeDomain = 'event-time';
    const timers = new KeyedTimers(backend, context.processingTime, (timestamp, fired) => {
      domain = fired;
      // Results of a timer carry its timestamp (event time), as in Flink.
      time.current = fired === 'event-time' ? timestamp : undefined;
      try {
        onTimer?.(timestamp, keyed, out);
      } catch (error) {
        throw userFunctionError(context, `timer ${timestamp}`, error);
      }
    });
    const keyed: OnTimerContext = {
      operatorName: context.operatorName,
      operatorUid: context.operatorUid,
      subtaskIndex: context.subtaskIndex,
      parallelism: context.parallelism,
      get currentKey(): Key {
        return backend.currentKey as Key;
      },
      get timestamp(): number | undefined {
        return time.current;
      },
      get timeDomain(): TimeDomain {
        return domain;
      },
      state<S>(descriptor: StateDescriptor<S>): S {
        return backend.getState(descriptor);
      },
      timerService: () => timers,
      output<X>(tag: OutputTag<X>, value: X): void {
        output.collect(new SideOutputRecord(tag.id, value));
      },
    };
    const out: Collector<unknown> = output;
    let opened = false;
    const openOnce = (): void => {
      if (opened) return;
      opened = true;
      if (typeof fn !== 'function') fn.open?.(context);
    };
    return {
      open() {
        timers.start();
      },
      process(record) {
        try {
          openOnce();
          backend.setCurrentKey(key.fn(record));
          element(record, keyed as KeyedContext, out);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
      },
      processWatermark(timestamp) {
        openOnce();
        timers.advanceWatermark(timestamp);
        output.emitWatermark(timestamp);
      },
      snapshotState: () => watermarkState(timers.currentWatermark()),
      restoreState(states) {
        timers.restoreWatermark(restoredWatermark(states));
      },
    };
  };
}
