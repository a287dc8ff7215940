/**
 * The user function of `KeyedStream.process`: called for every record with a context that knows
 * the record's key and timestamp, hands out keyed state scoped to that key and timers
 * (`timerService()`), and emits to side outputs; `onTimer` is called when a timer fires, with the
 * timer's key in scope.
 */
import type { StateDescriptor } from '../state/state-descriptor.ts';
import type { Collector, Key, RuntimeContext } from './functions.ts';
import type { OutputTag } from './side-output.ts';
import type { TimeDomain, TimerService } from './time/keyed-timers.ts';

/** What a keyed process function can use besides the record. */
export interface KeyedContext extends RuntimeContext {
  /** The key of the record being processed (of the timer, in `onTimer`). */
  readonly currentKey: Key;
  /** The record's event-time timestamp (the timer's, in `onTimer`), `undefined` when it has none. */
  readonly timestamp: number | undefined;
  /**
   * Returns the state declared by `descriptor`, scoped to the current key (create descriptors once,
   * e.g. at module level, with `valueState(...)`, `listState(...)`, `mapState(...)`,
   * `reducingState(...)`, `aggregatingState(...)`).
   */
  state<S>(descriptor: StateDescriptor<S>): S;
  /** Timers of the current key, the current watermark and processing time. */
  timerService(): TimerService;
  /** Emits `value` to the side output `tag` (read it with `getSideOutput(tag)`). */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** The context of `onTimer`: a {@link KeyedContext} that also says which clock fired. */
export interface OnTimerContext extends KeyedContext {
  /** The time domain of the timer that fired. */
  readonly timeDomain: TimeDomain;
}

/** A keyed process function: a plain function, or an object with optional `open` and `onTimer`. */
export type KeyedProcessFunction<IN, OUT> =
  | ((record: IN, context: KeyedContext, out: Collector<OUT>) => void)
  | {
      /** Called once per subtask before the first record. */
      open?(context: RuntimeContext): void;
      /** Called for every record. */
      processElement(record: IN, context: KeyedContext, out: Collector<OUT>): void;
      /** Called when a timer of this function fires; its results carry the timer's timestamp. */
      onTimer?(timestamp: number, context: OnTimerContext, out: Collector<OUT>): void;
    };
