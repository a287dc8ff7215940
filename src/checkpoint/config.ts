/**
 * Checkpointing options, validated once at the boundary. Periodic checkpointing is off unless an
 * interval is given (as in Flink); manual checkpoints and savepoints work either way. Every invalid
 * value, and every unknown option name (a typo would otherwise silently keep a default), is an
 * {@link InvalidOptionError} naming the option.
 */
import { resolve } from 'node:path';
import { InvalidOptionError } from '../errors.ts';

/** How barriers are handled by tasks with several inputs. */
export type CheckpointingMode = 'exactly-once' | 'at-least-once';

/** Where checkpoints go: kept in memory (tests, small state) or in a filesystem directory. */
export type CheckpointStorageOptions =
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'filesystem';
      /** The job's checkpoint directory (relative paths resolve against the working directory). */
      readonly dir: string;
      /**
       * State of at most this many bytes goes inline into `_metadata` instead of a file of its own
       * (Flink's `state.storage.fs.memory-threshold`); default 20 KiB, 0 writes every state to a file.
       */
      readonly inlineThresholdBytes?: number;
    };

/** Checkpointing options as a user writes them; every field is optional. */
export interface CheckpointingOptions {
  /** Time between periodic checkpoints in ms, at least 10; absent or `null`: no periodic checkpoints. */
  readonly intervalMs?: number | null;
  /** Barrier handling; default `exactly-once`. */
  readonly mode?: CheckpointingMode;
  /** Unaligned exactly-once checkpoints (barriers overtake in-flight data); default `false`. */
  readonly unaligned?: boolean;
  /**
   * Exactly-once: an aligned checkpoint whose alignment at a subtask lasts this many ms turns
   * unaligned there (Flink's aligned-checkpoint-timeout); absent: never.
   */
  readonly alignedCheckpointTimeoutMs?: number | null;
  /** A checkpoint not acknowledged by every task within this many ms expires; default 10 minutes. */
  readonly timeoutMs?: number;
  /** Least time between the end of one checkpoint and the start of the next periodic one; default 0. */
  readonly minPauseMs?: number;
  /** Most checkpoints in progress at once; default 1. */
  readonly maxConcurrent?: number;
  /** Consecutive counted checkpoint failures tolerated before the job fails; default 0. */
  readonly tolerableFailures?: number;
  /** Completed checkpoints kept (savepoints are never deleted); default 1. */
  readonly retained?: number;
  /** Checkpoint storage; default `{ kind: 'memory' }`. */
  readonly storage?: CheckpointStorageOptions;
  /**
   * Incremental checkpoints (Flink's `state.backend.incremental`); default `false`. Keyed state is
   * written per state and key group, and a checkpoint writes only the (state, key group) tables
   * written since the last completed checkpoint; the rest it references from the earlier
   * checkpoints that wrote them, which retention then keeps as long as they are referenced.
   * Savepoints are always full and self-contained. See docs/checkpoint-storage.md.
   */
  readonly incremental?: boolean;
}

/** Validated checkpointing configuration with every default filled in. */
export interface CheckpointConfig {
  /** `null` when periodic checkpointing is off. */
  readonly intervalMs: number | null;
  readonly mode: CheckpointingMode;
  readonly unaligned: boolean;
  /** `null`: aligned checkpoints never turn unaligned. */
  readonly alignedCheckpointTimeoutMs: number | null;
  readonly timeoutMs: number;
  readonly minPauseMs: number;
  readonly maxConcurrent: number;
  readonly tolerableFailures: number;
  readonly retained: number;
  /** Keyed state is checkpointed incrementally. */
  readonly incremental: boolean;
  /** With an absolute `dir` for filesystem storage. */
  readonly storage: CheckpointStorageOptions;
}

/** Smallest periodic interval (Flink's minimum as well). */
export const MIN_CHECKPOINT_INTERVAL_MS = 10;
/** Smallest checkpoint timeout. */
export const MIN_CHECKPOINT_TIMEOUT_MS = 10;
/** Default checkpoint timeout: 10 minutes. */
export const DEFAULT_CHECKPOINT_TIMEOUT_MS = 10 * 60 * 1000;

/** The configuration used when no options are given: no periodic checkpoints, memory storage. */
export const DEFAULT_CHECKPOINT_CONFIG: CheckpointConfig = Object.freeze({
  intervalMs: null,
  mode: 'exactly-once',
  unaligned: false,
  alignedCheckpointTimeoutMs: null,
  timeoutMs: DEFAULT_CHECKPOINT_TIMEOUT_MS,
  minPauseMs: 0,
  maxConcurrent: 1,
  tolerableFailures: 0,
  retained: 1,
  incremental: false,
  storage: Object.freeze({ kind: 'memory' }),
});

const KNOWN_OPTIONS = new Set<string>(Object.keys(DEFAULT_CHECKPOINT_CONFIG));

/** Validates `options` and fills in defaults; throws {@link InvalidOptionError} naming the option. */
export function resolveCheckpointConfig(options: CheckpointingOptions = {}): CheckpointConfig {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidOptionError('checkpointing', 'an object of checkpointing options', options);
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key))
      throw new InvalidOptionError(
        `checkpointing.${key}`,
        `one of the known options (${[...KNOWN_OPTIONS].join(', ')})`,
        (options as Record<string, unknown>)[key],
      );
  }
  const d = DEFAULT_CHECKPOINT_CONFIG;
  // Only `undefined` means "the default"; `null` is accepted for intervalMs alone (periodic off).
  const pick = <K extends keyof CheckpointConfig>(key: K): CheckpointConfig[K] =>
    (options as Record<string, unknown>)[key] === undefined
      ? d[key]
      : ((options as Record<string, unknown>)[key] as CheckpointConfig[K]);
  const intervalMs = pick('intervalMs');
  if (intervalMs !== null)
    requireNumber(
      'intervalMs',
      intervalMs,
      MIN_CHECKPOINT_INTERVAL_MS,
      `a number of ms ≥ ${MIN_CHECKPOINT_INTERVAL_MS}`,
    );
  const mode = pick('mode');
  if (mode !== 'exactly-once' && mode !== 'at-least-once')
    throw new InvalidOptionError('mode', "'exactly-once' or 'at-least-once'", mode);
  const unaligned = pick('unaligned');
  if (typeof unaligned !== 'boolean') throw new InvalidOptionError('unaligned', 'a boolean', unaligned);
  const incremental = pick('incremental');
  if (typeof incremental !== 'boolean') throw new InvalidOptionError('incremental', 'a boolean', incremental);
  if (unaligned && mode !== 'exactly-once')
    throw new InvalidOptionError('unaligned', "false when mode is 'at-least-once'", unaligned);
  const alignedCheckpointTimeoutMs = pick('alignedCheckpointTimeoutMs');
  if (alignedCheckpointTimeoutMs !== null) {
    requireNumber('alignedCheckpointTimeoutMs', alignedCheckpointTimeoutMs, 0, 'a number of ms ≥ 0');
    if (mode !== 'exactly-once')
      throw new InvalidOptionError(
        'alignedCheckpointTimeoutMs',
        "absent when mode is 'at-least-once'",
        alignedCheckpointTimeoutMs,
      );
  }
  const timeoutMs = pick('timeoutMs');
  requireNumber(
    'timeoutMs',
    timeoutMs,
    MIN_CHECKPOINT_TIMEOUT_MS,
    `a number of ms ≥ ${MIN_CHECKPOINT_TIMEOUT_MS}`,
  );
  const minPauseMs = pick('minPauseMs');
  requireNumber('minPauseMs', minPauseMs, 0, 'a number of ms ≥ 0');
  const maxConcurrent = pick('maxConcurrent');
  requireInteger('maxConcurrent', maxConcurrent, 1);
  const tolerableFailures = pick('tolerableFailures');
  requireInteger('tolerableFailures', tolerableFailures, 0);
  const retained = pick('retained');
  requireInteger('retained', retained, 1);
  return Object.freeze({
    intervalMs,
    mode,
    unaligned,
    alignedCheckpointTimeoutMs,
    timeoutMs,
    minPauseMs,
    maxConcurrent,
    tolerableFailures,
    retained,
    incremental,
    storage: resolveStorage(pick('storage')),
  });
}

function resolveStorage(storage: unknown): CheckpointStorageOptions {
  if (typeof storage !== 'object' || storage === null)
    throw new InvalidOptionError('storage', "{ kind: 'memory' } or { kind: 'filesystem', dir }", storage);
  const { kind, dir, inlineThresholdBytes } = storage as {
    kind?: unknown;
    dir?: unknown;
    inlineThresholdBytes?: unknown;
  };
  if (kind === 'memory') return Object.freeze({ kind: 'memory' });
  if (kind !== 'filesystem') throw new InvalidOptionError('storage.kind', "'memory' or 'filesystem'", kind);
  if (typeof dir !== 'string' || dir.length === 0 || dir.includes('\0'))
    throw new InvalidOptionError('storage.dir', 'a non-empty directory path', dir);
  if (inlineThresholdBytes === undefined) return Object.freeze({ kind: 'filesystem', dir: resolve(dir) });
  requireInteger('storage.inlineThresholdBytes', inlineThresholdBytes, 0);
  return Object.freeze({
    kind: 'filesystem',
    dir: resolve(dir),
    inlineThresholdBytes: inlineThresholdBytes as number,
  });
}

function requireNumber(option: string, value: unknown, min: number, expected: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new InvalidOptionError(option, expected, value);
}

function requireInteger(option: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new InvalidOptionError(option, `an integer ≥ ${min}`, value);
}
