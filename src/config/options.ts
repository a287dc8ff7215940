/**
 * Options of a {@link StreamEnvironment}, their defaults and their validation: every option is
 * checked once, here, with an error that names it.
 */
import { availableParallelism, tmpdir } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { type CheckpointingOptions, resolveCheckpointConfig } from '../checkpoint/config.ts';
import { InvalidOptionError } from '../errors.ts';
import type { RestartOptions } from '../restart/config.ts';
import { resolveRestartConfig } from '../restart/resolve-restart-config.ts';
import {
  resolveStateBackendOptions,
  type StateBackendOptions,
  type StateBackendType,
} from '../state/state-backend-options.ts';

/** Options of a stream environment. */
export interface StreamEnvironmentOptions {
  /** Default parallelism of every operator; default: the number of cores. */
  readonly parallelism?: number;
  /** Number of key groups, the upper bound of any keyed operator's parallelism; default 128. */
  readonly maxParallelism?: number;
  /** Longest time a record waits in a partly filled batch, in ms (Flink's buffer timeout); default 1. */
  readonly bufferTimeoutMs?: number;
  /** Bytes of each channel's ring, a power of two; default 512 KiB. */
  readonly ringCapacity?: number;
  /** How channels fill their rings (buffer debloating). */
  readonly channel?: ChannelOptions;
  /** Whether forward-connected operators of equal parallelism are chained; default true. */
  readonly chaining?: boolean;
  /**
   * `streaming` (default): rolling aggregations emit an update per record. `batch` (bounded jobs,
   * as Flink's BATCH execution mode): they emit one final value per key when input ends.
   */
  readonly runtimeMode?: RuntimeMode;
  /**
   * Streaming mode: rolling aggregations (`count`, `sum`, `min`, `max`, `reduce`) fold the records of
   * each key in every producer for up to this many ms before the keyed exchange (Flink's mini-batch
   * local-global aggregation), so that a hot key crosses the exchange once per mini-batch instead of
   * once per record. The update stream then holds one update per key and mini-batch, whose value
   * may jump by more than one record's worth; every final value, and every checkpoint, is the same
   * (partials are sent before each barrier). Default: off (`undefined`), one update per record. Batch
   * mode always pre-aggregates, until the end of input.
   */
  readonly localAggregationMs?: number;
  /**
   * How a batch job's exchanges carry data (Flink's `execution.batch-shuffle-mode`). `blocking`: the
   * job runs by stages; each producer writes its output to files (blocking partitions) and ends,
   * and its consumers start afterwards in the same threads, so the job needs only as many threads
   * as its widest operator and no thread waits for another. `pipelined`: every subtask runs at once,
   * connected by rings, as in streaming mode. Default: `blocking` in batch mode, `pipelined` when
   * periodic checkpoints are on (no barrier crosses a blocking exchange) and in streaming mode.
   */
  readonly batchShuffleMode?: BatchShuffleMode;
  /** Where blocking partitions are written (Flink's `io.tmp.dirs`); default the OS's temporary directory. */
  readonly partitionDirectory?: string;
  /**
   * Checkpointing (off unless `intervalMs` is set, as in Flink; manual checkpoints and savepoints
   * work either way). See `enableCheckpointing`.
   */
  readonly checkpointing?: CheckpointingOptions;
  /**
   * Restart strategy after a failure. Default: none without periodic checkpoints, exponential-delay
   * with them; `{ strategy: 'fallback' }` defers to the engine configuration (docs/restart.md).
   */
  readonly restart?: RestartOptions;
  /**
   * Where keyed state lives: `'heap'` (default, Flink's `hashmap`), `'embedded'`, an on-disk LMDB
   * store per keyed operator and subtask for state larger than memory, or `'rocksdb'`, the same on
   * RocksDB (Flink's `rocksdb`; needs `@nxtedition/rocksdb`); also as
   * `{ type: 'embedded' | 'rocksdb', directory, cacheRows }`. Checkpoints and savepoints of any
   * restore into the others. See `docs/state-backends.md`.
   */
  readonly stateBackend?: StateBackendOptions | StateBackendType;
  /** Resume from a savepoint or retained checkpoint (a `_metadata` directory or a checkpoint base directory). */
  readonly resume?: ResumeFrom;
  /**
   * Resource limits of every worker thread (heap sizes); a thread that exceeds them fails every
   * subtask in it, and so the job. With `threadSharing` (the default) a thread holds one subtask of
   * each vertex, so its limits are shared by them.
   */
  readonly workerResourceLimits?: ResourceLimits;
  /**
   * Whether subtasks share worker threads (Flink's slot sharing): subtask i of every operator runs
   * in thread i, so a job at parallelism p uses p threads however many operators it has, starts
   * faster and takes less memory (each thread costs Node ~50 ms of CPU and ~20 MiB). The subtasks
   * of a thread take turns in its event loop (each yields every few ms and whenever it waits). A
   * crash of a thread fails every subtask in it. `false`: every subtask runs in a thread of its own,
   * so that the operating system, not the event loop, divides the cores between them. Default true
   * (docs/threads.md has the measurements).
   */
  readonly threadSharing?: boolean;
  /**
   * The job module, for jobs written as scripts (`import.meta.url`): every worker evaluates it.
   * Default: the script Node.js was started with.
   */
  readonly module?: string | URL;
}

/** Channel options. */
export interface ChannelOptions {
  /**
   * Buffer debloating (Flink's `taskmanager.network.memory.buffer-debloat.target`): each channel
   * fills its ring only as far as its consumer drains in this many ms, measured as it runs, so that
   * backpressure holds records upstream instead of queueing seconds of them, and aligned barriers
   * wait behind at most about this much. `false` lets every ring fill whole (the most throughput on
   * bursts; latency under backpressure grows with `ringCapacity`). Default 100.
   */
  readonly inFlightTargetMs?: number | false;
}

/** Where a job resumes from. */
export interface ResumeFrom {
  /** A savepoint or checkpoint directory (holding `_metadata`), or a checkpoint base directory. */
  readonly path: string;
  /** Drop state of operators the job no longer has instead of failing; default false. */
  readonly allowNonRestoredState?: boolean;
  /** In a base directory, fall back to an older intact checkpoint if the newest is damaged; default false. */
  readonly fallBackToOlder?: boolean;
}

/** How rolling aggregations emit: per record, or once per key at the end of a bounded input. */
export type RuntimeMode = 'streaming' | 'batch';

/** How a batch job's exchanges carry data: by files between stages, or by rings between running subtasks. */
export type BatchShuffleMode = 'blocking' | 'pipelined';

/** Options with every default filled in. */
export interface ResolvedEnvironmentOptions {
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly bufferTimeoutMs: number;
  readonly ringCapacity: number;
  /** Debloating target of every channel, ms; `undefined`: off. */
  readonly inFlightTargetMs: number | undefined;
  readonly chaining: boolean;
  readonly runtimeMode: RuntimeMode;
  /** Streaming local aggregation's longest delay in ms, or `null` when off. */
  readonly localAggregationMs: number | null;
  /** `blocking` only for batch jobs without periodic checkpoints. */
  readonly batchShuffleMode: BatchShuffleMode;
  readonly partitionDirectory: string;
  readonly checkpointing: CheckpointingOptions | undefined;
  readonly restart: RestartOptions | undefined;
  readonly stateBackend: StateBackendOptions;
  readonly resume: ResumeFrom | undefined;
  readonly workerResourceLimits: ResourceLimits | undefined;
  readonly threadSharing: boolean;
  readonly module: string | undefined;
}

export const DEFAULT_MAX_PARALLELISM = 128;
export const DEFAULT_RING_CAPACITY = 512 * 1024;
/** Default `channel.inFlightTargetMs`: 100 ms, which Flink's debloater targets too (1 s there by default, 100 ms recommended for latency). */
export const DEFAULT_IN_FLIGHT_TARGET_MS = 100;
/** Default `threadSharing` (see docs/threads.md for the measurements behind it). */
export const DEFAULT_THREAD_SHARING = true;
/** Upper bound of max parallelism, as in Flink (2^15). */
export const UPPER_BOUND_MAX_PARALLELISM = 1 << 15;

/** Throws InvalidOptionError unless `value` is an integer in [min, max]. */
export function checkInteger(
  option: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : `an integer >= ${min}`
        : `an integer between ${min} and ${max}`;
    throw new InvalidOptionError(option, range, value);
  }
  return value;
}

/** Validates options and fills in defaults. */
export function resolveEnvironmentOptions(
  options: StreamEnvironmentOptions = {},
): ResolvedEnvironmentOptions {
  const maxParallelism = checkInteger(
    'maxParallelism',
    options.maxParallelism ?? DEFAULT_MAX_PARALLELISM,
    1,
    UPPER_BOUND_MAX_PARALLELISM,
  );
  const parallelism = checkInteger('parallelism', options.parallelism ?? availableParallelism(), 1);
  const bufferTimeoutMs = options.bufferTimeoutMs ?? 1;
  if (typeof bufferTimeoutMs !== 'number' || !(bufferTimeoutMs >= 0) || !Number.isFinite(bufferTimeoutMs)) {
    throw new InvalidOptionError('bufferTimeoutMs', 'a finite number of milliseconds >= 0', bufferTimeoutMs);
  }
  const ringCapacity = options.ringCapacity ?? DEFAULT_RING_CAPACITY;
  if (
    !Number.isInteger(ringCapacity) ||
    ringCapacity < 1024 ||
    ringCapacity > 1 << 30 ||
    (ringCapacity & (ringCapacity - 1)) !== 0
  ) {
    throw new InvalidOptionError(
      'ringCapacity',
      'a power of two between 1024 and 1073741824 bytes',
      ringCapacity,
    );
  }
  const inFlightTargetMs = resolveInFlightTarget(options.channel);
  const chaining = options.chaining ?? true;
  if (typeof chaining !== 'boolean') throw new InvalidOptionError('chaining', 'a boolean', chaining);
  const runtimeMode = options.runtimeMode ?? 'streaming';
  if (runtimeMode !== 'streaming' && runtimeMode !== 'batch') {
    throw new InvalidOptionError('runtimeMode', '"streaming" or "batch"', runtimeMode);
  }
  const localAggregationMs = options.localAggregationMs ?? null;
  if (
    localAggregationMs !== null &&
    (typeof localAggregationMs !== 'number' ||
      !(localAggregationMs >= 0) ||
      !Number.isFinite(localAggregationMs))
  ) {
    throw new InvalidOptionError(
      'localAggregationMs',
      'a finite number of milliseconds >= 0',
      localAggregationMs,
    );
  }
  const checkpointing = options.checkpointing;
  const checkpointConfig = resolveCheckpointConfig(checkpointing ?? {}); // validates, naming the option
  const batchShuffleMode = resolveBatchShuffleMode(
    options.batchShuffleMode,
    runtimeMode,
    checkpointConfig.intervalMs !== null,
  );
  const partitionDirectory = options.partitionDirectory ?? tmpdir();
  if (typeof partitionDirectory !== 'string' || partitionDirectory.length === 0) {
    throw new InvalidOptionError('partitionDirectory', 'a non-empty directory path', partitionDirectory);
  }
  const restart = options.restart;
  if (restart !== undefined)
    resolveRestartConfig(restart, { checkpointingEnabled: checkpointConfig.intervalMs !== null });
  const resume = options.resume;
  if (
    resume !== undefined &&
    (typeof resume !== 'object' || typeof resume.path !== 'string' || resume.path.length === 0)
  ) {
    throw new InvalidOptionError('resume.path', 'a non-empty directory path', resume?.path);
  }
  const stateBackend = resolveStateBackendOptions(options.stateBackend);
  const workerResourceLimits = options.workerResourceLimits;
  const threadSharing = options.threadSharing ?? DEFAULT_THREAD_SHARING;
  if (typeof threadSharing !== 'boolean')
    throw new InvalidOptionError('threadSharing', 'a boolean', threadSharing);
  const module = options.module === undefined ? undefined : String(options.module);
  return {
    parallelism,
    maxParallelism,
    bufferTimeoutMs,
    ringCapacity,
    inFlightTargetMs,
    chaining,
    runtimeMode,
    localAggregationMs,
    batchShuffleMode,
    partitionDirectory,
    checkpointing,
    restart,
    stateBackend,
    resume,
    workerResourceLimits,
    threadSharing,
    module,
  };
}

function resolveBatchShuffleMode(
  given: unknown,
  runtimeMode: RuntimeMode,
  periodicCheckpoints: boolean,
): BatchShuffleMode {
  if (given === undefined) return runtimeMode === 'batch' && !periodicCheckpoints ? 'blocking' : 'pipelined';
  if (given !== 'blocking' && given !== 'pipelined') {
    throw new InvalidOptionError('batchShuffleMode', '"blocking" or "pipelined"', given);
  }
  if (given === 'blocking' && runtimeMode !== 'batch') {
    throw new InvalidOptionError('batchShuffleMode', '"pipelined" unless runtimeMode is "batch"', given);
  }
  if (given === 'blocking' && periodicCheckpoints) {
    throw new InvalidOptionError(
      'batchShuffleMode',
      '"pipelined" with periodic checkpoints (no barrier crosses a blocking exchange)',
      given,
    );
  }
  return given;
}

/** `channel.inFlightTargetMs`: a positive number of ms, or `false` (off); `undefined` when off. */
function resolveInFlightTarget(channel: ChannelOptions | undefined): number | undefined {
  if (channel !== undefined && (typeof channel !== 'object' || channel === null))
    throw new InvalidOptionError('channel', 'an object', channel);
  const target = channel?.inFlightTargetMs ?? DEFAULT_IN_FLIGHT_TARGET_MS;
  if (target === false) return undefined;
  if (typeof target !== 'number' || !Number.isFinite(target) || !(target > 0))
    throw new InvalidOptionError(
      'channel.inFlightTargetMs',
      'a positive number of milliseconds, or false',
      target,
    );
  return target;
}
