/**
 * A keyed stream cut into windows (Flink's WindowedStream), from `KeyedStream.window(assigner)` or
 * `KeyedStream.countWindow(size)`: set the allowed lateness and the late side output, then say what
 * each window computes with `reduce`, `aggregate` or `process` (or `reduce`/`aggregate` followed by
 * a process function). Window contents and timers are keyed state: checkpointed, restored and
 * redistributed like any other.
 */
import { checkInteger } from '../config/options.ts';
import { InvalidOptionError } from '../errors.ts';
import type { Key, ReduceFunction } from '../operators/functions.ts';
import type { ResolvedKeySelector } from '../operators/key-selector.ts';
import type { OperatorFactory } from '../operators/operator.ts';
import { OutputTag } from '../operators/side-output.ts';
import { countWindowOperator } from '../operators/windowing/count-window-operator.ts';
import type { WindowAssigner } from '../operators/windowing/window-assigners.ts';
import {
  aggregateContents,
  type ProcessWindowFunction,
  processContents,
  reduceContents,
  type WindowContents,
} from '../operators/windowing/window-function.ts';
import { checkAllowedLateness, windowOperator } from '../operators/windowing/window-operator.ts';
import type { AggregateFunction } from '../state/aggregating-state.ts';
import type { DataStream } from './data-stream.ts';
import { checkFunction } from './function-check.ts';

/** How a windowed stream declares its operator on the keyed stream (given by `KeyedStream`). */
export type DeclareWindowOperator = <R>(
  kind: string,
  name: string,
  factory: OperatorFactory,
) => DataStream<R>;

/** Time windows (an assigner) or count windows (a size). */
type Windows = { readonly assigner: WindowAssigner } | { readonly count: number };

export class WindowedStream<T, K extends Key = Key> {
  readonly #declare: DeclareWindowOperator;
  readonly #key: ResolvedKeySelector;
  readonly #windows: Windows;
  #lateness = 0;
  #lateTag: string | undefined;

  /** @internal Use `KeyedStream.window` or `KeyedStream.countWindow`. */
  constructor(declare: DeclareWindowOperator, key: ResolvedKeySelector, windows: WindowAssigner | number) {
    this.#declare = declare;
    this.#key = key;
    if (typeof windows === 'number') this.#windows = { count: checkInteger('countWindow size', windows, 1) };
    else {
      if (typeof windows?.assignWindows !== 'function')
        throw new InvalidOptionError(
          'window assigner',
          'a WindowAssigner (e.g. TumblingEventTimeWindows.of(1000))',
          windows,
        );
      this.#windows = { assigner: windows };
    }
  }

  /**
   * Keeps event-time windows `ms` past their end: a record arriving that late is still added and
   * fires the window again (a late firing, an updated result). Default 0.
   */
  allowedLateness(ms: number): this {
    if (!('assigner' in this.#windows) || !this.#windows.assigner.eventTime)
      throw new InvalidOptionError('allowedLateness', 'set on event-time windows', ms);
    this.#lateness = checkAllowedLateness(ms);
    return this;
  }

  /** Sends records too late for any of their windows to the side output `tag` instead of dropping them. */
  sideOutputLateData(tag: OutputTag<T>): this {
    if (!(tag instanceof OutputTag))
      throw new InvalidOptionError('sideOutputLateData tag', 'an OutputTag', tag);
    this.#lateTag = tag.id;
    return this;
  }

  /** Reduces each window incrementally; emits the reduced value, or `process`'s results on it. */
  reduce(fn: ReduceFunction<T>): DataStream<T>;
  reduce<R>(fn: ReduceFunction<T>, process: ProcessWindowFunction<T, R, K>): DataStream<R>;
  reduce<R>(fn: ReduceFunction<T>, process?: ProcessWindowFunction<T, R, K>): DataStream<R | T> {
    const name = checkFunction('reduce', fn);
    if (process !== undefined) checkFunction('reduce process', process);
    return this.#window('reduce', name, reduceContents(fn as ReduceFunction<unknown>, process as never));
  }

  /**
   * Aggregates each window incrementally (one accumulator per window); emits the result, or
   * `process`'s results on it. Session windows need the function's `merge`.
   */
  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>): DataStream<R>;
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    process: ProcessWindowFunction<V, R, K>,
  ): DataStream<R>;
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    process?: ProcessWindowFunction<V, R, K>,
  ): DataStream<R | V> {
    for (const method of ['createAccumulator', 'add', 'getResult'] as const)
      checkFunction(`aggregate ${method}`, fn?.[method]);
    if (process !== undefined) checkFunction('aggregate process', process);
    return this.#window(
      'aggregate',
      'aggregate',
      aggregateContents(fn as AggregateFunction<unknown, unknown, unknown>, process as never),
    );
  }

  /** Calls `fn` with all of a window's elements when it fires. */
  process<R>(fn: ProcessWindowFunction<T, R, K>): DataStream<R> {
    const name = checkFunction('process', fn);
    return this.#window('process', name, processContents(fn as never));
  }

  #window<R>(kind: string, name: string, contents: WindowContents): DataStream<R> {
    const windows = this.#windows;
    if ('count' in windows) {
      return this.#declare<R>(
        `count-window-${kind}`,
        `countWindow(${windows.count}).${name}`,
        countWindowOperator(this.#key, windows.count, contents),
      );
    }
    const { assigner } = windows;
    return this.#declare<R>(
      `window-${kind}`,
      `${assigner.description}.${name}`,
      windowOperator(this.#key, {
        assigner,
        allowedLatenessMs: this.#lateness,
        lateTag: this.#lateTag,
        contents,
      }),
    );
  }
}
