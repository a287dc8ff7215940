/**
 * Aggregating state: an accumulator per key, fed by an {@link AggregateFunction} (Flink's
 * `AggregatingState`). `add` may mutate and return the accumulator it is given: the backend hands
 * it a private copy (`structuredClone`) when a pending snapshot still holds the original, so
 * accumulators must be plain data (what msgpack and structuredClone carry: no functions, no class
 * instances whose prototype matters).
 */
import { checkFunction, checkStateName, type StateDescriptor } from './state-descriptor.ts';

/** Incremental aggregation: inputs `IN` folded into an accumulator `ACC`, read out as `OUT`. */
export interface AggregateFunction<IN, ACC, OUT> {
  /** A new, empty accumulator. */
  createAccumulator(): ACC;
  /** Folds `value` into `accumulator` and returns the result (may be the same, mutated object). */
  add(value: IN, accumulator: ACC): ACC;
  /** The aggregate's result for `accumulator`; must not mutate it. */
  getResult(accumulator: ACC): OUT;
  /** Merges two accumulators (for merging windows); not called by the state backends. */
  merge?(a: ACC, b: ACC): ACC;
}

/** An aggregate scoped to the current key. */
export interface AggregatingState<IN, OUT> {
  /** Folds `value` into the current key's accumulator (created on first use). */
  add(value: IN): void;
  /** The result for the current key's accumulator, or `undefined` if nothing was added. */
  get(): OUT | undefined;
  /** Removes the current key's accumulator. */
  clear(): void;
}

/** Declares an {@link AggregatingState}. */
export interface AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<AggregatingState<IN, OUT>> {
  readonly kind: 'aggregating';
  /** The aggregation. */
  readonly aggregate: AggregateFunction<IN, ACC, OUT>;
}

/** Declares an aggregating state named `name` that aggregates with `aggregate`. */
export function aggregatingState<IN, ACC, OUT>(
  name: string,
  aggregate: AggregateFunction<IN, ACC, OUT>,
): AggregatingStateDescriptor<IN, ACC, OUT> {
  checkStateName(name);
  for (const fn of ['createAccumulator', 'add', 'getResult'] as const)
    checkFunction(
      'aggregatingState',
      name,
      fn,
      (aggregate as Partial<AggregateFunction<IN, ACC, OUT>>)?.[fn],
    );
  return Object.freeze({ kind: 'aggregating', name, aggregate });
}
