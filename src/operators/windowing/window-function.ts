/**
 * What a window computes, and how its contents are kept meanwhile: incrementally (`reduce`,
 * `aggregate`: one accumulator per window, whatever its size) or as every element (`process`), and
 * how the result is emitted (as it is, or through a {@link ProcessWindowFunction} with the window's
 * metadata). {@link WindowContents} is the operator's view of the choice.
 */
import type { AggregateFunction } from '../../state/aggregating-state.ts';
import type { Collector, Key, ReduceFunction } from '../functions.ts';
import type { OutputTag } from '../side-output.ts';

/** A window as functions see it: `[start, end)`, with `maxTimestamp = end - 1`. */
export interface WindowInfo {
  readonly start: number;
  readonly end: number;
  readonly maxTimestamp: number;
}

/** What a process window function knows besides the elements. */
export interface ProcessWindowContext<K extends Key = Key> {
  /** The window's key. */
  readonly key: K;
  /** The window (count windows: `start` -Infinity, `end` and `maxTimestamp` Infinity). */
  readonly window: WindowInfo;
  /** The operator's current watermark. */
  currentWatermark(): number;
  /** The current processing time (ms since the epoch). */
  currentProcessingTime(): number;
  /** Emits `value` to the side output `tag`. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Computes a window's results from all its elements (or, after `reduce`/`aggregate`, from the one
 * aggregate): called once per firing, with the elements in arrival order.
 */
export type ProcessWindowFunction<IN, OUT, K extends Key = Key> = (
  key: K,
  context: ProcessWindowContext<K>,
  elements: readonly IN[],
  out: Collector<OUT>,
) => void;

/** @internal How a window operator keeps and emits a window's contents. */
export interface WindowContents {
  /** One accumulator per window (`reduce`, `aggregate`), or every element (`process`). */
  readonly incremental: boolean;
  /**
   * Incremental: folds `record` into `accumulator` (`undefined` for a new window); returns the new
   * one. `owned` holds the accumulators made since the last snapshot: those `add` may mutate in
   * place; any other may be shared with a snapshot and is copied first (once per snapshot).
   */
  add(accumulator: unknown, record: unknown, owned: WeakSet<object>): unknown;
  /** Incremental: merges two accumulators (session windows). */
  merge(a: unknown, b: unknown): unknown;
  /** Emits the results of a firing from the accumulator or the elements. */
  emit(context: ProcessWindowContext, contents: unknown, out: Collector<unknown>): void;
}

function emitThrough(process: ProcessWindowFunction<unknown, unknown> | undefined) {
  return (context: ProcessWindowContext, result: unknown, out: Collector<unknown>): void => {
    if (process === undefined) out.collect(result);
    else process(context.key, context, [result], out);
  };
}

/** A private copy of an accumulator that `add` may mutate (the state still owns the original). */
function own<T>(accumulator: T): T {
  return typeof accumulator === 'object' && accumulator !== null ? structuredClone(accumulator) : accumulator;
}

/**
 * The accumulator `add` may mutate: a new one, one made since the last snapshot (in `owned`), or a
 * copy of one a snapshot may share. Copy-on-write, as the heap backend's aggregating state does:
 * a window taking many records between two checkpoints is copied once, not per record.
 */
function writable<T>(accumulator: T, owned: WeakSet<object>): T {
  if (typeof accumulator !== 'object' || accumulator === null || owned.has(accumulator)) return accumulator;
  return structuredClone(accumulator);
}

function claim<T>(accumulator: T, owned: WeakSet<object>): T {
  if (typeof accumulator === 'object' && accumulator !== null) owned.add(accumulator);
  return accumulator;
}

/** @internal `reduce`, optionally followed by a process function on the reduced value. */
export function reduceContents(
  reduce: ReduceFunction<unknown>,
  process?: ProcessWindowFunction<unknown, unknown>,
): WindowContents {
  return {
    incremental: true,
    add: (accumulator, record) => (accumulator === undefined ? record : reduce(accumulator, record)),
    merge: (a, b) => reduce(a, b),
    emit: emitThrough(process),
  };
}

/** @internal `aggregate`, optionally followed by a process function on the aggregate's result. */
export function aggregateContents(
  aggregate: AggregateFunction<unknown, unknown, unknown>,
  process?: ProcessWindowFunction<unknown, unknown>,
): WindowContents {
  const emit = emitThrough(process);
  return {
    incremental: true,
    add: (accumulator, record, owned) =>
      claim(
        aggregate.add(
          record,
          accumulator === undefined ? aggregate.createAccumulator() : writable(accumulator, owned),
        ),
        owned,
      ),
    merge: (a, b) => {
      if (aggregate.merge === undefined)
        throw new TypeError('session windows need an AggregateFunction with merge(a, b)');
      return aggregate.merge(own(a), own(b));
    },
    emit: (context, accumulator, out) => emit(context, aggregate.getResult(accumulator), out),
  };
}

/** @internal `process` on all of a window's elements. */
export function processContents(process: ProcessWindowFunction<unknown, unknown>): WindowContents {
  return {
    incremental: false,
    add: () => undefined,
    merge: () => undefined,
    emit: (context, elements, out) => process(context.key, context, elements as unknown[], out),
  };
}
