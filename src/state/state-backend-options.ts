/**
 * Choosing the keyed-state backend of a job (Flink's `state.backend.type: hashmap | rocksdb`): the
 * heap backend (default) or an embedded on-disk backend (LMDB or RocksDB), with its options. The environment option
 * `stateBackend` is validated here once, on the thread that sets it; every worker builds its keyed
 * operators' backends with {@link createKeyedStateBackend}.
 *
 * Thread: any.
 */
import { InvalidOptionError } from '../errors.ts';
import { HeapKeyedStateBackend } from './heap/heap-keyed-state-backend.ts';
import type { KeyGroupRange } from './key-groups.ts';
import type { KeyedStateBackend } from './keyed-state-backend.ts';
import { EmbeddedKeyedStateBackend } from './lmdb/lmdb-keyed-state-backend.ts';

/** The kinds of keyed-state backend. */
export type StateBackendType = 'heap' | 'embedded' | 'rocksdb';

/** Keyed state on the JS heap of each subtask's worker (the default; Flink's `hashmap`). */
export interface HeapStateBackendOptions {
  readonly type: 'heap';
}

/**
 * Keyed state in an embedded on-disk store (LMDB) per keyed operator and subtask, for state larger
 * than the heap (Flink's `rocksdb`); see `docs/state-backends.md`.
 */
export interface EmbeddedStateBackendOptions {
  readonly type: 'embedded';
  /**
   * The base directory of the working directories (one per keyed operator and subtask, removed
   * when the subtask ends); default `<os.tmpdir()>/weir-state-<uid>` (private to the user: 0700, refused if another user owns it or others can write it). Working data only: state is
   * recovered from checkpoints, never from here.
   */
  readonly directory?: string;
  /** Rows each backend keeps decoded in memory (its read cache and write buffer); default 16384. */
  readonly cacheRows?: number;
}

/**
 * Keyed state in an embedded RocksDB database per keyed operator and subtask (Flink's `rocksdb`):
 * the same rows, row cache, snapshots and restores as `embedded`, on RocksDB's log-structured store.
 * Needs the optional peer dependency `@nxtedition/rocksdb`; see `docs/state-backends.md`.
 */
export interface RocksDbStateBackendOptions {
  readonly type: 'rocksdb';
  /** As {@link EmbeddedStateBackendOptions.directory}. */
  readonly directory?: string;
  /** As {@link EmbeddedStateBackendOptions.cacheRows}. */
  readonly cacheRows?: number;
}

/** The `stateBackend` environment option: a backend's options, or just its type. */
export type StateBackendOptions =
  | HeapStateBackendOptions
  | EmbeddedStateBackendOptions
  | RocksDbStateBackendOptions;

/**
 * Validates the `stateBackend` option (default heap) and returns it as an options object.
 * @throws InvalidOptionError naming the field that is wrong.
 */
export function resolveStateBackendOptions(
  value: StateBackendOptions | StateBackendType | undefined,
): StateBackendOptions {
  if (value === undefined || value === 'heap') return { type: 'heap' };
  if (value === 'embedded' || value === 'rocksdb') return { type: value };
  if (typeof value !== 'object' || value === null)
    throw new InvalidOptionError('stateBackend', '"heap", "embedded", "rocksdb" or { type, ... }', value);
  const type: unknown = value.type;
  if (type === 'heap') return { type };
  if (type !== 'embedded' && type !== 'rocksdb')
    throw new InvalidOptionError('stateBackend.type', '"heap", "embedded" or "rocksdb"', type);
  const { directory, cacheRows } = value as EmbeddedStateBackendOptions | RocksDbStateBackendOptions;
  if (directory !== undefined && (typeof directory !== 'string' || directory.length === 0))
    throw new InvalidOptionError('stateBackend.directory', 'a non-empty directory path', directory);
  if (cacheRows !== undefined && (!Number.isInteger(cacheRows) || cacheRows < 1))
    throw new InvalidOptionError('stateBackend.cacheRows', 'a positive integer', cacheRows);
  return {
    type,
    ...(directory === undefined ? {} : { directory }),
    ...(cacheRows === undefined ? {} : { cacheRows }),
  };
}

/** Where a keyed operator's backend lives: its key groups, and a label for its working directory. */
export interface KeyedBackendPlacement {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  /** Names the owner (operator uid and subtask), e.g. in the embedded backend's directory name. */
  readonly label: string;
}

/** Creates the backend `options` chooses for one keyed operator of one subtask. */
export function createKeyedStateBackend(
  options: StateBackendOptions,
  placement: KeyedBackendPlacement,
): KeyedStateBackend {
  const { maxParallelism, keyGroupRange, label } = placement;
  if (options.type === 'heap') return new HeapKeyedStateBackend({ maxParallelism, keyGroupRange });
  return new EmbeddedKeyedStateBackend({
    maxParallelism,
    keyGroupRange,
    label,
    engine: options.type === 'rocksdb' ? 'rocksdb' : 'lmdb',
    ...(options.directory === undefined ? {} : { directory: options.directory }),
    ...(options.cacheRows === undefined ? {} : { cacheRows: options.cacheRows }),
  });
}
