/**
 * The DataStream API: a typed handle on the output of an operator (or of a union or partitioning)
 * from which the next operators are declared. Declaring only records nodes in the environment's
 * graph; nothing runs until `execute`.
 */

import { checkInteger } from '../config/options.ts';
import { collectSink, discardSink, functionSink, printSink } from '../connectors/builtin/builtin-sinks.ts';
import {
  checkJetStreamSinkOptions,
  checkPostgresSinkOptions,
  checkRedisSinkOptions,
} from '../connectors/connector-options.ts';
import { textFileSink } from '../connectors/file/text-file-sink.ts';
import { transactionalFileSink } from '../connectors/file/transactional-file-sink.ts';
import { type JetStreamSinkOptions, jetStreamSink } from '../connectors/nats/jetstream-sink.ts';
import { type PostgresSinkOptions, postgresSink } from '../connectors/postgres/postgres-sink.ts';
import { type RedisStreamSinkOptions, redisStreamSink } from '../connectors/redis/redis-stream-sink.ts';
import {
  type TwoPhaseCommitFunctions,
  twoPhaseCommitSink,
} from '../connectors/sink/two-phase-commit-sink.ts';
import { InvalidOptionError } from '../errors.ts';
import type { PartitionerSpec, StreamInput, StreamNode } from '../graph/stream-node.ts';
import type {
  FilterFunction,
  FlatMapFunction,
  KeySelector,
  MapFunction,
  RuntimeContext,
} from '../operators/functions.ts';
import { keySelectorFunction } from '../operators/key-selector.ts';
import type { OperatorFactory } from '../operators/operator.ts';
import type { OutputTag } from '../operators/side-output.ts';
import { filterOperator, flatMapOperator, mapOperator } from '../operators/stateless.ts';
import { timestampsAndWatermarksOperator } from '../operators/time/timestamps-operator.ts';
import { WatermarkStrategy } from '../operators/time/watermark-strategy.ts';
import { checkFunction } from './function-check.ts';
import type { CollectHandle, GraphBuilder } from './graph-builder.ts';
import { KeyedStream } from './keyed-stream.ts';

/** A stream of records of type `T`. */
export class DataStream<T> {
  /** @internal */
  protected readonly builder: GraphBuilder;
  /** @internal The inputs a consumer of this stream gets. */
  readonly inputs: readonly StreamInput[];
  /** @internal The operator whose output this is, when it is one operator's output. */
  readonly node: StreamNode | undefined;

  /** @internal Use the environment's source methods and this class's operators instead. */
  constructor(builder: GraphBuilder, inputs: readonly StreamInput[], node?: StreamNode) {
    this.builder = builder;
    this.inputs = inputs;
    this.node = node;
  }

  // ── operator properties ─────────────────────────────────────────────────────────────────────

  /** Sets this operator's parallelism (a positive integer). */
  setParallelism(parallelism: number): this {
    this.#own('setParallelism').parallelism = checkInteger('parallelism', parallelism, 1);
    return this;
  }

  /** Sets this operator's name, used in errors, metrics and logs. */
  name(name: string): this {
    if (typeof name !== 'string' || name.length === 0)
      throw new InvalidOptionError('name', 'a non-empty string', name);
    this.#own('name').name = name;
    return this;
  }

  /**
   * Sets this operator's stable id. State in checkpoints and savepoints is keyed by uid, so give
   * one to every stateful operator whose job may change.
   */
  uid(uid: string): this {
    if (typeof uid !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(uid)) {
      throw new InvalidOptionError('uid', 'a string of 1-100 letters, digits, "_", "." or "-"', uid);
    }
    this.#own('uid').uid = uid;
    return this;
  }

  /** Prevents this operator from being chained to its predecessor (it gets its own subtasks). */
  disableChaining(): this {
    this.#own('disableChaining').chainable = false;
    return this;
  }

  #own(method: string): StreamNode {
    if (!this.node) {
      throw new InvalidOptionError(
        method,
        'called on an operator, not on a union or partitioning',
        'a virtual stream',
      );
    }
    return this.node;
  }

  // ── transformations ─────────────────────────────────────────────────────────────────────────

  /** One record in, one record out. */
  map<R>(fn: MapFunction<T, R>): DataStream<R> {
    return this.#operator<R>(
      'map',
      checkFunction('map', fn),
      mapOperator(fn as MapFunction<unknown, unknown>),
    );
  }

  /** Keeps the records for which `fn` returns true. */
  filter(fn: FilterFunction<T>): DataStream<T> {
    return this.#operator<T>(
      'filter',
      checkFunction('filter', fn),
      filterOperator(fn as FilterFunction<unknown>),
    );
  }

  /** Any number of records per record: return an iterable or emit through `out`. */
  flatMap<R>(fn: FlatMapFunction<T, R>): DataStream<R> {
    return this.#operator<R>(
      'flatMap',
      checkFunction('flatMap', fn),
      flatMapOperator(fn as FlatMapFunction<unknown, unknown>),
    );
  }

  /**
   * Gives every record an event-time timestamp and generates watermarks, as `strategy` says (see
   * `docs/event-time.md`). Watermarks from upstream are replaced by this operator's. On a source's
   * stream it chains to the source, so each source subtask has its own watermarks.
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    if (!(strategy instanceof WatermarkStrategy))
      throw new InvalidOptionError('assignTimestampsAndWatermarks strategy', 'a WatermarkStrategy', strategy);
    return this.#operator<T>(
      'timestamps',
      'Timestamps/Watermarks',
      timestampsAndWatermarksOperator(strategy as WatermarkStrategy<unknown>),
    );
  }

  /**
   * The records this operator emitted to the side output `tag` (a window's late records, or a
   * process function's `context.output(tag, value)`), as a stream of their own.
   */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const node = this.#own('getSideOutput');
    if (!node.sideOutputs)
      throw new InvalidOptionError(
        'getSideOutput',
        'called on a keyed process function or a window operation',
        node.name,
      );
    if (typeof tag?.id !== 'string') throw new InvalidOptionError('getSideOutput tag', 'an OutputTag', tag);
    const side = this.builder.addNode({
      kind: 'side-output',
      role: 'operator',
      name: `side-output(${tag.id})`,
      inputs: [{ node, partitioner: null }],
      operator: (_context, output) => ({ process: (record) => output.collect(record) }),
      sideOutputTag: tag.id,
    });
    return new DataStream<X>(this.builder, [{ node: side, partitioner: null }], side);
  }

  /**
   * Partitions the stream by key (through key groups, as Flink does), for keyed aggregations and
   * keyed state. `key` is a function of the record or the name of the field holding the key.
   */
  keyBy(key: KeySelector<T>): KeyedStream<T> {
    const selector = keySelectorFunction('keyBy', key);
    this.builder.checkKeyField(this.node, key);
    const partitioner: PartitionerSpec = {
      kind: 'hash',
      key: selector.fn,
      description: selector.description,
    };
    return new KeyedStream<T>(
      this.builder,
      this.#repartition(partitioner),
      selector,
      <R>(node: StreamNode) => new DataStream<R>(this.builder, [{ node, partitioner: null }], node),
    );
  }

  /** Merges this stream with others of the same type; records interleave in arrival order. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const other of others) {
      if (!(other instanceof DataStream) || other.builder !== this.builder) {
        throw new InvalidOptionError('union', 'streams of the same environment', other);
      }
    }
    return new DataStream<T>(
      this.builder,
      [this, ...others].flatMap((s) => s.inputs),
    );
  }

  /** Distributes records round-robin over the next operator's subtasks. */
  rebalance(): DataStream<T> {
    return new DataStream<T>(this.builder, this.#repartition({ kind: 'rebalance' }));
  }

  /** Distributes records uniformly at random over the next operator's subtasks. */
  shuffle(): DataStream<T> {
    return new DataStream<T>(this.builder, this.#repartition({ kind: 'shuffle' }));
  }

  /** Sends every record to every subtask of the next operator. */
  broadcast(): DataStream<T> {
    return new DataStream<T>(this.builder, this.#repartition({ kind: 'broadcast' }));
  }

  /** Sends records to the subtask of the same index (equal parallelism required). */
  forward(): DataStream<T> {
    return new DataStream<T>(this.builder, this.#repartition({ kind: 'forward' }));
  }

  // ── sinks ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Collects every record for the caller: read `handle.records` once the job has run, or
   * `result.collected(uid)`. Records are held in the main thread's memory.
   */
  collect(options: { uid?: string; name?: string; parallelism?: number } = {}): CollectHandle<T> {
    const stream = this.#sink('collect', collectSink());
    if (options.uid !== undefined) stream.uid(options.uid);
    if (options.name !== undefined) stream.name(options.name);
    if (options.parallelism !== undefined) stream.setParallelism(options.parallelism);
    return this.builder.registerCollect<T>(stream.node!);
  }

  /** Prints every record to standard output, optionally prefixed. */
  print(prefix?: string): DataStream<never> {
    return this.#sink('print', printSink(prefix));
  }

  /** Writes one line per record: a file at parallelism 1, else a directory of `part-<i>` files. */
  writeAsText(path: string): DataStream<never> {
    if (typeof path !== 'string' || path.length === 0)
      throw new InvalidOptionError('writeAsText path', 'a non-empty string', path);
    return this.#sink('writeAsText', textFileSink(path));
  }

  /**
   * Writes one line per record into files in `dir`, exactly once: with periodic checkpoints, files
   * appear (renamed from hidden in-progress files) only when the checkpoint covering their records
   * completes, so readers that skip dot-files see only committed output.
   */
  writeFiles(dir: string): DataStream<never> {
    if (typeof dir !== 'string' || dir.length === 0)
      throw new InvalidOptionError('writeFiles dir', 'a non-empty string', dir);
    return this.#sink('writeFiles', transactionalFileSink(dir));
  }

  /**
   * A custom exactly-once sink from two-phase-commit functions (begin, write, pre-commit at the
   * barrier, commit when the checkpoint completes, abort), as Flink's TwoPhaseCommitSinkFunction.
   */
  sinkToTransactional<TXN>(functions: TwoPhaseCommitFunctions<TXN, T>): DataStream<never> {
    for (const fn of ['beginTransaction', 'write', 'preCommit', 'commit', 'abort'] as const) {
      checkFunction(`sinkToTransactional ${fn}`, functions?.[fn]);
    }
    return this.#sink('sinkToTransactional', twoPhaseCommitSink(functions));
  }

  /**
   * Appends every record as an entry of a Redis stream; exactly-once with periodic checkpoints
   * (entries staged per checkpoint, written in one MULTI/EXEC with a commit marker when it
   * completes), or at-least-once. Needs the package `ioredis`. See docs/connectors.md.
   */
  sinkToRedisStream(options: RedisStreamSinkOptions<T>): DataStream<never> {
    checkRedisSinkOptions('sinkToRedisStream', options as RedisStreamSinkOptions<never>);
    return this.#sink('sinkToRedisStream', redisStreamSink(options));
  }

  /**
   * Writes every record as a row of a PostgreSQL table (inserts, or upserts on `upsertKey`);
   * exactly-once with periodic checkpoints by two-phase commit (PREPARE TRANSACTION at the
   * checkpoint, COMMIT PREPARED when it completes), or at-least-once. Needs the package `pg` and a
   * server with `max_prepared_transactions` > 0. See docs/connectors.md.
   */
  sinkToPostgres(options: PostgresSinkOptions<T>): DataStream<never> {
    checkPostgresSinkOptions('sinkToPostgres', options as PostgresSinkOptions<never>);
    return this.#sink('sinkToPostgres', postgresSink(options));
  }

  /**
   * Publishes every record to a NATS JetStream subject; exactly-once with periodic checkpoints
   * (a checkpoint's messages staged in its state, published when it completes with message ids
   * that JetStream de-duplicates within the stream's duplicate window), or at-least-once. Needs
   * `@nats-io/transport-node` and `@nats-io/jetstream`. See docs/connectors.md.
   */
  sinkToJetStream(options: JetStreamSinkOptions<T>): DataStream<never> {
    checkJetStreamSinkOptions('sinkToJetStream', options as JetStreamSinkOptions<never>);
    return this.#sink('sinkToJetStream', jetStreamSink(options));
  }

  /** Calls `fn` for every record: a custom sink. */
  sinkTo(fn: (record: T, context: RuntimeContext) => void): DataStream<never> {
    checkFunction('sinkTo', fn);
    return this.#sink('sinkTo', functionSink(fn as (record: unknown, context: RuntimeContext) => void));
  }

  /** Drops every record (benchmarks, side-effecting pipelines). */
  discard(): DataStream<never> {
    return this.#sink('discard', discardSink());
  }

  #operator<R>(kind: string, name: string, factory: OperatorFactory): DataStream<R> {
    const node = this.builder.addNode({
      kind,
      role: 'operator',
      name,
      inputs: this.inputs,
      operator: factory,
    });
    return new DataStream<R>(this.builder, [{ node, partitioner: null }], node);
  }

  #sink(kind: string, factory: OperatorFactory): DataStream<never> {
    const node = this.builder.addNode({
      kind,
      role: 'sink',
      name: kind,
      inputs: this.inputs,
      operator: factory,
    });
    // Inputs point at the sink, so that using a sink as an input is refused with a clear error.
    return new DataStream<never>(this.builder, [{ node, partitioner: null }], node);
  }

  #repartition(partitioner: PartitionerSpec): StreamInput[] {
    return this.inputs.map((input) => ({ node: input.node, partitioner }));
  }
}
