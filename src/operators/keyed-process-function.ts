/**
 * The user function of `KeyedStream.process`: called for every record with a context that knows
 * the record's key and hands out keyed state scoped to that key.
 */
import type { StateDescriptor } from '../state/state-descriptor.ts';
import type { Collector, Key, RuntimeContext } from './functions.ts';

/** What a keyed process function can use besides the record. */
export interface KeyedContext extends RuntimeContext {
  /** The key of the record being processed. */
  readonly currentKey: Key;
  /**
   * Returns the state declared by `descriptor`, scoped to the current key (create descriptors once,
   * e.g. at module level, with `valueState(...)`, `listState(...)`, `mapState(...)`,
   * `reducingState(...)`, `aggregatingState(...)`).
   */
  state<S>(descriptor: StateDescriptor<S>): S;
}

/** A keyed process function: a plain function, or an object with optional `open`. */
export type KeyedProcessFunction<IN, OUT> =
  | ((record: IN, context: KeyedContext, out: Collector<OUT>) => void)
  | {
      /** Called once per subtask before the first record. */
      open?(context: RuntimeContext): void;
      /** Called for every record. */
      processElement(record: IN, context: KeyedContext, out: Collector<OUT>): void;
    };
