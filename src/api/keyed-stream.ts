/**
 * A stream partitioned by key: rolling aggregations (`reduce`, `sum`, `min`, `max`, emitting the
 * updated aggregate for every record, as Flink does) and `process` with keyed state. Every keyed
 * operator's state is scoped to the current record's key and lives in key groups, so that it can be
 * checkpointed and redistributed at another parallelism.
 */
import { InvalidOptionError } from '../errors.ts';
import type { StreamInput } from '../graph/stream-node.ts';
import { keyedProcessOperator, keyedReduceOperator } from '../runtime/operators/keyed.ts';
import type { OperatorFactory } from '../runtime/operators/operator.ts';
import { checkFunction, DataStream } from './data-stream.ts';
import type { ReduceFunction } from './functions.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { ResolvedKeySelector } from './key-selector.ts';
import type { KeyedProcessFunction } from './keyed-process-function.ts';

type NumericField<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T] & string;

export class KeyedStream<T> {
  readonly #builder: GraphBuilder;
  readonly #inputs: readonly StreamInput[];
  readonly #key: ResolvedKeySelector;

  /** @internal Use `DataStream.keyBy`. */
  constructor(builder: GraphBuilder, inputs: readonly StreamInput[], key: ResolvedKeySelector) {
    this.#builder = builder;
    this.#inputs = inputs;
    this.#key = key;
  }

  /** Rolling reduce: for each record, emits `fn(previous aggregate of its key, record)`. */
  reduce(fn: ReduceFunction<T>): DataStream<T> {
    const name = checkFunction('reduce', fn);
    return this.#keyed<T>('reduce', name, keyedReduceOperator(this.#key, fn as ReduceFunction<unknown>));
  }

  /** Rolling sum of a numeric field per key; other fields keep the key's first record's values. */
  sum(field: NumericField<T>): DataStream<T> {
    return this.#aggregate('sum', field, (a, b) => a + b);
  }

  /** Rolling minimum of a numeric field per key. */
  min(field: NumericField<T>): DataStream<T> {
    return this.#aggregate('min', field, Math.min);
  }

  /** Rolling maximum of a numeric field per key. */
  max(field: NumericField<T>): DataStream<T> {
    return this.#aggregate('max', field, Math.max);
  }

  /** Runs `fn` for every record with access to keyed state (see {@link KeyedProcessFunction}). */
  process<R>(fn: KeyedProcessFunction<T, R>): DataStream<R> {
    const element = typeof fn === 'function' ? fn : fn?.processElement;
    const name = checkFunction('process', element);
    return this.#keyed<R>(
      'process',
      name,
      keyedProcessOperator(this.#key, fn as KeyedProcessFunction<unknown, unknown>),
    );
  }

  #aggregate(kind: string, field: string, combine: (a: number, b: number) => number): DataStream<T> {
    if (typeof field !== 'string' || field.length === 0)
      throw new InvalidOptionError(`${kind} field`, 'a field name', field);
    const reduce = (acc: unknown, next: unknown): unknown => {
      const a = (acc as Record<string, unknown>)[field];
      const b = (next as Record<string, unknown>)[field];
      if (typeof a !== 'number' || typeof b !== 'number') {
        throw new TypeError(`${kind}("${field}") needs a numeric field "${field}", got ${typeof b}`);
      }
      return { ...(acc as object), [field]: combine(a, b) };
    };
    const first = (record: unknown): unknown => {
      const v = (record as Record<string, unknown> | null)?.[field];
      if (typeof v !== 'number')
        throw new TypeError(`${kind}("${field}") needs a numeric field "${field}", got ${typeof v}`);
      return record;
    };
    return this.#keyed<T>(kind, `${kind}(${field})`, keyedReduceOperator(this.#key, reduce, first));
  }

  #keyed<R>(kind: string, name: string, factory: OperatorFactory): DataStream<R> {
    const node = this.#builder.addNode({
      kind: `keyed-${kind}`,
      role: 'operator',
      name,
      inputs: this.#inputs,
      operator: factory,
      keyed: true,
    });
    return new DataStream<R>(this.#builder, [{ node, partitioner: null }], node);
  }
}
