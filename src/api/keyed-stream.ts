/**
 * A stream partitioned by key: rolling aggregations (`reduce`, `sum`, `min`, `max`, `count`, emitting the
 * updated aggregate for every record, as Flink does) and `process` with keyed state. Every keyed
 * operator's state is scoped to the current record's key and lives in key groups, so that it can be
 * checkpointed and redistributed at another parallelism.
 */
import { InvalidOptionError } from '../errors.ts';
import type { CombineSpec, StreamInput, StreamNode } from '../graph/stream-node.ts';
import type { Key, KeyCount, ReduceFunction } from '../operators/functions.ts';
import type { ResolvedKeySelector } from '../operators/key-selector.ts';
import { keyedCountOperator, keyedReduceOperator } from '../operators/keyed.ts';
import type { KeyedProcessFunction } from '../operators/keyed-process-function.ts';
import { keyedProcessOperator } from '../operators/keyed-process-operator.ts';
import type { OperatorFactory } from '../operators/operator.ts';
import type { WindowAssigner } from '../operators/windowing/window-assigners.ts';
import type { DataStream } from './data-stream.ts';
import { fieldUpdater } from './field-update.ts';
import { checkFunction } from './function-check.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { WindowedStream } from './windowed-stream.ts';

type NumericField<T> = { [K in keyof T]: T[K] extends number ? K : never }[keyof T] & string;

export class KeyedStream<T> {
  readonly #builder: GraphBuilder;
  readonly #inputs: readonly StreamInput[];
  readonly #key: ResolvedKeySelector;
  /** Wraps a declared node as a stream; given by `DataStream`, so that this module need not import it. */
  readonly #toStream: <R>(node: StreamNode) => DataStream<R>;

  /** @internal Use `DataStream.keyBy`. */
  constructor(
    builder: GraphBuilder,
    inputs: readonly StreamInput[],
    key: ResolvedKeySelector,
    toStream: <R>(node: StreamNode) => DataStream<R>,
  ) {
    this.#builder = builder;
    this.#inputs = inputs;
    this.#key = key;
    this.#toStream = toStream;
  }

  /** Rolling reduce: for each record, emits `fn(previous aggregate of its key, record)`. */
  reduce(fn: ReduceFunction<T>): DataStream<T> {
    const name = checkFunction('reduce', fn);
    const reduce = fn as ReduceFunction<unknown>;
    return this.#keyed<T>('reduce', name, keyedReduceOperator(this.#key, reduce), {
      reduce,
      first: identity,
    });
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

  /**
   * Rolling count per key: emits `{ key, count }` ({@link KeyCount}), the number of records with
   * the record's key: in streaming mode an updated count for every record, in batch mode one final
   * count per key at the end of input. In batch mode the producers count per key before the keyed
   * exchange (no object per record), so a word count sends one partial per distinct word. The counts
   * live in keyed state, checkpointed and redistributable like the other aggregations.
   *
   * `K` is the key's type as the key selector returns it (declared, not checked): for example
   * `words.keyBy((w) => w).count<string>()`.
   */
  count<K extends Key = Key>(): DataStream<KeyCount<K>> {
    const keyOf = this.#key.fn;
    // The combiner's partial is `{ key, count }`, counted in place: nothing allocated per record.
    const fold = {
      first: (record: unknown): unknown => ({ key: keyOf(record), count: 1 }),
      reduce: (partial: unknown): unknown => {
        (partial as { count: number }).count++;
        return partial;
      },
      partialKey: (partial: unknown): Key => (partial as KeyCount).key,
    };
    return this.#keyed<KeyCount<K>>('count', 'count', keyedCountOperator(this.#key), fold);
  }

  /** Runs `fn` for every record with access to keyed state (see {@link KeyedProcessFunction}). */
  process<R>(fn: KeyedProcessFunction<T, R>): DataStream<R> {
    const element = typeof fn === 'function' ? fn : fn?.processElement;
    const name = checkFunction('process', element);
    return this.#keyed<R>(
      'process',
      name,
      keyedProcessOperator(this.#key, fn as KeyedProcessFunction<unknown, unknown>),
      undefined,
      true,
    );
  }

  /**
   * Cuts each key's records into windows (tumbling, sliding or session; event or processing time):
   * say what each window computes on the {@link WindowedStream}.
   */
  window(assigner: WindowAssigner): WindowedStream<T> {
    return new WindowedStream<T>(this.#declareWindow, this.#key, assigner);
  }

  /** Windows of every `size` records of a key, emitted when full. */
  countWindow(size: number): WindowedStream<T> {
    return new WindowedStream<T>(this.#declareWindow, this.#key, size);
  }

  readonly #declareWindow = <R>(kind: string, name: string, factory: OperatorFactory): DataStream<R> =>
    this.#keyed<R>(kind, name, factory, undefined, true);

  #aggregate(kind: string, field: string, combine: (a: number, b: number) => number): DataStream<T> {
    if (typeof field !== 'string' || field.length === 0)
      throw new InvalidOptionError(`${kind} field`, 'a field name', field);
    const update = fieldUpdater(field);
    const reduce = (acc: unknown, next: unknown): unknown => {
      const a = (acc as Record<string, unknown>)[field];
      const b = (next as Record<string, unknown>)[field];
      if (typeof a !== 'number' || typeof b !== 'number') {
        throw new TypeError(`${kind}("${field}") needs a numeric field "${field}", got ${typeof b}`);
      }
      return update(acc as object, combine(a, b));
    };
    const first = (record: unknown): unknown => {
      const v = (record as Record<string, unknown> | null)?.[field];
      if (typeof v !== 'number')
        throw new TypeError(`${kind}("${field}") needs a numeric field "${field}", got ${typeof v}`);
      return record;
    };
    // The combiner owns its partials: it copies a key's first record once and then folds in place,
    // with no object per record.
    const fold = {
      first: (record: unknown): unknown => ({ ...(first(record) as Record<string, unknown>) }),
      reduce: (partial: unknown, next: unknown): unknown => {
        const p = partial as Record<string, number>;
        const b = (next as Record<string, unknown>)[field];
        if (typeof b !== 'number')
          throw new TypeError(`${kind}("${field}") needs a numeric field "${field}", got ${typeof b}`);
        p[field] = combine(p[field]!, b);
        return p;
      },
    };
    return this.#keyed<T>(kind, `${kind}(${field})`, keyedReduceOperator(this.#key, reduce, first), fold);
  }

  /**
   * Adds the keyed operator. A rolling aggregation (`fold`) also hands its fold to the producers,
   * which pre-aggregate per key before the exchange in batch mode (see combining-output.ts).
   */
  #keyed<R>(
    kind: string,
    name: string,
    factory: OperatorFactory,
    fold?: Pick<CombineSpec, 'reduce' | 'first' | 'partialKey'>,
    sideOutputs = false,
  ): DataStream<R> {
    let node: StreamNode | undefined;
    const combine: CombineSpec | undefined = fold && {
      ...fold,
      get operatorName() {
        return node?.name ?? name;
      },
      get operatorUid() {
        return node?.resolvedUid ?? '';
      },
    };
    const inputs = combine
      ? this.#inputs.map((input) =>
          input.partitioner?.kind === 'hash'
            ? { node: input.node, partitioner: { ...input.partitioner, combine } }
            : input,
        )
      : this.#inputs;
    node = this.#builder.addNode({
      kind: `keyed-${kind}`,
      role: 'operator',
      name,
      inputs,
      operator: factory,
      keyed: true,
      sideOutputs,
    });
    return this.#toStream<R>(node);
  }
}

function identity(record: unknown): unknown {
  return record;
}
