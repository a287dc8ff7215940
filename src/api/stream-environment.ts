/**
 * The entry point of the DataStream API: declares sources, holds the options, and executes the
 * pipeline. The same job module is evaluated by the main thread and by every worker; in a worker,
 * `execute()` only hands the declared graph to the runtime (see job-loader.ts) and never resolves,
 * so code after `await env.execute()` runs once, on the main thread.
 */
import { pathToFileURL } from 'node:url';
import type { CheckpointingMode, CheckpointingOptions } from '../checkpoint/config.ts';
import {
  type ResolvedEnvironmentOptions,
  resolveEnvironmentOptions,
  type StreamEnvironmentOptions,
} from '../config/options.ts';
import { arraySource, iterableSource } from '../connectors/builtin/array-source.ts';
import { type SequenceOptions, sequenceSource } from '../connectors/builtin/sequence-source.ts';
import {
  checkJetStreamSourceOptions,
  checkPostgresSourceOptions,
  checkRedisSourceOptions,
} from '../connectors/connector-options.ts';
import { textFileSource } from '../connectors/file/text-file-source.ts';
import {
  type JetStreamMessage,
  type JetStreamSourceOptions,
  jetStreamSource,
} from '../connectors/nats/jetstream-source.ts';
import type { PostgresSourceOptions } from '../connectors/postgres/postgres-options.ts';
import { postgresSource } from '../connectors/postgres/postgres-source.ts';
import {
  type RedisStreamEntry,
  type RedisStreamSourceOptions,
  redisStreamSource,
} from '../connectors/redis/redis-stream-source.ts';
import { InvalidOptionError } from '../errors.ts';
import { buildJobGraph, type JobGraphOptions } from '../graph/job-graph.ts';
import type { StreamNode, StreamNodeInit } from '../graph/stream-node.ts';
import type { SourceFactory } from '../operators/operator.ts';
import type { RestartOptions } from '../restart/config.ts';
import type { JobModuleRef } from '../runtime/protocol.ts';
import { DataStream } from './data-stream.ts';
import { checkSignal, type ExecuteOptions } from './execute-options.ts';
import { GraphBuilder } from './graph-builder.ts';
import type { JobClient } from './job-client.ts';
import {
  captureEnvironment,
  defaultJobModule,
  environmentDefaults,
  isCapturingJob,
  notifyJobStarted,
} from './job-hooks.ts';

export class StreamEnvironment {
  #given: StreamEnvironmentOptions;
  #options: ResolvedEnvironmentOptions;
  readonly #builder = new GraphBuilder();
  readonly #inWorker: boolean;
  /** @internal Set by `executeJob` for job definitions. */
  jobRef: JobModuleRef | undefined;

  /** Creates an environment; options are validated here, each error naming its option. */
  constructor(options: StreamEnvironmentOptions = {}) {
    this.#given = { ...environmentDefaults(), ...options };
    this.#options = resolveEnvironmentOptions(this.#given);
    this.#inWorker = isCapturingJob();
  }

  /** @internal The environment a worker builds a job definition in. */
  static forWorker(options: Omit<StreamEnvironmentOptions, 'module'>): StreamEnvironment {
    return new StreamEnvironment(options);
  }

  /** The validated options, defaults filled in. */
  get options(): ResolvedEnvironmentOptions {
    return this.#options;
  }

  /**
   * Enables periodic checkpoints every `intervalMs` (at least 10 ms) in `mode`, with further
   * checkpoint options (timeout, min pause, max concurrent, tolerable failures, retained, storage).
   * Options are validated here; errors name the option.
   */
  enableCheckpointing(
    intervalMs: number,
    mode: CheckpointingMode = 'exactly-once',
    options: Omit<CheckpointingOptions, 'intervalMs' | 'mode'> = {},
  ): this {
    return this.#update({ checkpointing: { ...this.#given.checkpointing, ...options, intervalMs, mode } });
  }

  /** Sets the restart strategy (validated here; errors name the option). */
  setRestartStrategy(restart: RestartOptions): this {
    return this.#update({ restart });
  }

  #update(change: Partial<StreamEnvironmentOptions>): this {
    const given = { ...this.#given, ...change };
    this.#options = resolveEnvironmentOptions(given);
    this.#given = given;
    return this;
  }

  /** @internal The declared operators, in declaration order. */
  get nodes(): readonly StreamNode[] {
    return this.#builder.nodes;
  }

  /** @internal Collect sinks' record arrays. */
  get builder(): GraphBuilder {
    return this.#builder;
  }

  /** @internal */
  graphOptions(): JobGraphOptions {
    return {
      defaultParallelism: this.options.parallelism,
      maxParallelism: this.options.maxParallelism,
      chaining: this.options.chaining,
      runtimeMode: this.options.runtimeMode,
    };
  }

  // ── sources ─────────────────────────────────────────────────────────────────────────────────

  /** A parallel source over an array; element i goes to subtask i mod parallelism. */
  fromArray<T>(elements: readonly T[]): DataStream<T> {
    if (!Array.isArray(elements)) throw new InvalidOptionError('fromArray elements', 'an array', elements);
    const stream = this.#source<T>('fromArray', arraySource(elements));
    this.#builder.rememberElements(stream.node!, elements);
    return stream;
  }

  /** A parallel source over the given elements. */
  fromElements<T>(...elements: T[]): DataStream<T> {
    return this.fromArray(elements);
  }

  /**
   * A non-parallel source over a re-iterable collection, iterated again after a restore and the
   * elements the checkpoint had consumed skipped; or over what a function returns, called afresh
   * on every start and restore: `fromIterable(() => generate())`. A generator object can be
   * iterated once only: a restart that needs it again fails with {@link SourceReplayError}.
   */
  fromIterable<T>(iterable: Iterable<T> | (() => Iterable<T>)): DataStream<T> {
    if (
      typeof iterable !== 'function' &&
      (iterable == null || typeof (iterable as Iterable<T>)[Symbol.iterator] !== 'function')
    ) {
      throw new InvalidOptionError(
        'fromIterable iterable',
        'an iterable or a function returning one',
        iterable,
      );
    }
    return this.#source<T>('fromIterable', iterableSource(iterable), {
      maxOwnParallelism: 1,
      ...sizeOf(iterable),
    });
  }

  /**
   * The integers from `from` to `to`, both inclusive as in Flink (omit `to` for an unbounded
   * sequence; `to = from - 1` is empty), split over the subtasks; the position is checkpointable.
   */
  fromSequence(
    from: number,
    to: number = Number.POSITIVE_INFINITY,
    options: SequenceOptions = {},
  ): DataStream<number> {
    checkSequence(from, to, options, 'to', from - 1);
    // The source's end is exclusive.
    return this.#source<number>('fromSequence', sequenceSource(from, to + 1, identity, options), {
      bounded: to !== Number.POSITIVE_INFINITY,
    });
  }

  /**
   * Records made by `generate(n)` for n = 0, 1, 2, ... (`count` of them, or unbounded), split over
   * the subtasks; `generate` must be a pure function of n so that a rewound source repeats itself.
   */
  fromGenerator<T>(
    generate: (n: number) => T,
    options: SequenceOptions & { count?: number } = {},
  ): DataStream<T> {
    if (typeof generate !== 'function')
      throw new InvalidOptionError('fromGenerator generate', 'a function', generate);
    const to = options.count ?? Number.POSITIVE_INFINITY;
    checkSequence(0, to, options, 'count', 0);
    return this.#source<T>('fromGenerator', sequenceSource(0, to, generate, options), {
      bounded: to !== Number.POSITIVE_INFINITY,
    });
  }

  /** The lines of a UTF-8 text file, split by byte ranges over the subtasks. */
  readTextFile(path: string): DataStream<string> {
    if (typeof path !== 'string' || path.length === 0)
      throw new InvalidOptionError('readTextFile path', 'a non-empty string', path);
    // Its subtasks share one queue of byte ranges: restores need every old subtask's state.
    return this.#source<string>('readTextFile', textFileSource(path), { unionOperatorState: true });
  }

  /**
   * The entries of Redis streams (`options.streams`, a split each), from the start, the end or an
   * id, unbounded or bounded; the position per stream (the last entry id) is checkpointed and
   * restored exactly. Needs the package `ioredis`. See docs/connectors.md.
   */
  fromRedisStream(options: RedisStreamSourceOptions): DataStream<RedisStreamEntry> {
    checkRedisSourceOptions('fromRedisStream', options);
    // Every subtask sees all streams' positions on restore and keeps its share (any parallelism).
    return this.#source<RedisStreamEntry>('fromRedisStream', redisStreamSource(options), {
      unionOperatorState: true,
      bounded: (options.bounded ?? false) !== false,
    });
  }

  /**
   * The rows of a PostgreSQL table or query, read once (bounded) in ranges of an integer key column
   * (`options.splits` of them, default the parallelism); the last key emitted per range is
   * checkpointed, so a restored job reads exactly the rows after it. Rows are pg's objects by column
   * name (`int8` and `numeric` as strings). Needs the package `pg`. See docs/connectors.md.
   */
  fromPostgres<T = Record<string, unknown>>(options: PostgresSourceOptions): DataStream<T> {
    checkPostgresSourceOptions('fromPostgres', options);
    // Every subtask sees all ranges' positions on restore and keeps its share (any parallelism).
    return this.#source<T>('fromPostgres', postgresSource(options), {
      unionOperatorState: true,
      bounded: true,
    });
  }

  /**
   * The messages of subjects of a NATS JetStream stream (a split per subject), from the start,
   * the end or a sequence, unbounded or bounded; the position per subject (the stream sequence) is
   * checkpointed and replayed exactly. Needs `@nats-io/transport-node` and `@nats-io/jetstream`.
   */
  fromJetStream(options: JetStreamSourceOptions): DataStream<JetStreamMessage> {
    checkJetStreamSourceOptions('fromJetStream', options);
    return this.#source<JetStreamMessage>('fromJetStream', jetStreamSource(options), {
      unionOperatorState: true,
      bounded: (options.bounded ?? false) !== false,
    });
  }

  #source<T>(
    kind: string,
    factory: SourceFactory,
    traits: Pick<
      StreamNodeInit,
      'maxOwnParallelism' | 'unionOperatorState' | 'bounded' | 'knownRecords'
    > = {},
  ): DataStream<T> {
    const node = this.#builder.addNode({
      kind,
      role: 'source',
      name: kind,
      inputs: [],
      source: factory,
      ...traits,
    });
    return new DataStream<T>(this.#builder, [{ node, partitioner: null }], node);
  }

  // ── execution ───────────────────────────────────────────────────────────────────────────────

  /**
   * Runs the job to completion and resolves with its result; rejects with the job's failure (a
   * typed error) or when it is invalid. In a worker thread this never settles (see module doc).
   */
  async execute(
    jobName = 'weir job',
    options: ExecuteOptions = {},
  ): Promise<import('./job-client.ts').JobResult> {
    const client = await this.executeAsync(jobName, options);
    return client.result;
  }

  /**
   * Starts the job and resolves with a client to watch or cancel it (unbounded jobs). An aborted
   * `signal` rejects at once with a `JobAbortedError` (name `AbortError`).
   */
  async executeAsync(jobName = 'weir job', options: ExecuteOptions = {}): Promise<JobClient> {
    if (this.#inWorker) {
      captureEnvironment(this);
      return new Promise<never>(() => {});
    }
    checkSignal(options.signal, jobName);
    const graph = buildJobGraph(this.#builder.nodes, this.graphOptions());
    const job = this.jobRef ?? this.#scriptRef();
    // Loaded here rather than at the top: worker threads evaluate this module too (to rebuild the
    // graph) and never launch a job, so the job master and the coordinator stay out of their bundle.
    const { launchJob } = await import('./job-launcher.ts');
    const client = await launchJob({
      name: jobName,
      graph,
      job,
      options: this.options,
      collected: this.#builder.collected,
      signal: options.signal,
    });
    notifyJobStarted(client);
    return client;
  }

  #scriptRef(): JobModuleRef {
    const module =
      this.options.module ??
      defaultJobModule() ??
      (process.argv[1] ? pathToFileURL(process.argv[1]).href : undefined);
    if (module === undefined) {
      throw new InvalidOptionError('module', 'the job module URL (pass import.meta.url)', undefined);
    }
    return { module, args: undefined, options: environmentDefaults() };
  }
}

function identity(n: number): number {
  return n;
}

/** `end` (named `endName`) must be at least `least`, or infinite. */
function checkSequence(
  from: number,
  end: number,
  options: SequenceOptions,
  endName: string,
  least: number,
): void {
  if (!Number.isSafeInteger(from)) throw new InvalidOptionError('from', 'a safe integer', from);
  if (!(end === Number.POSITIVE_INFINITY || (Number.isSafeInteger(end) && end >= least))) {
    throw new InvalidOptionError(endName, `a safe integer >= ${least}, or omitted`, end);
  }
  const rate = options.ratePerSecond;
  if (rate !== undefined && !(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))) {
    throw new InvalidOptionError('ratePerSecond', 'a positive number', rate);
  }
}

/** An array's, set's or map's size (a function's or a lazy iterable's is not known). */
function sizeOf(iterable: unknown): { knownRecords?: number } {
  if (Array.isArray(iterable)) return { knownRecords: iterable.length };
  if (iterable instanceof Set || iterable instanceof Map) return { knownRecords: iterable.size };
  return {};
}
