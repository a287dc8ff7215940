/**
 * What every keyed-state backend checks and says the same way: its key-group options, a key or key
 * group it does not own, a state name reused with another kind, a snapshot used after release, and
 * the encode options of a snapshot. Shared by the heap and embedded backends so that both raise
 * identical errors.
 *
 * Thread: any; pure functions.
 */
import { describeValue, InvalidOptionError } from '../errors.ts';
import { yieldToEventLoop } from '../util/event-loop.ts';
import { StateAccessError } from './errors.ts';
import { checkKeyGroupRange, DEFAULT_MAX_PARALLELISM, type KeyGroupRange } from './key-groups.ts';
import type { IncrementalBase, SnapshotEncodeOptions } from './keyed-state-snapshot.ts';
import type { StateKind } from './state-descriptor.ts';

/**
 * The max parallelism and frozen key-group range of a backend's options (defaults: 128, all).
 * @throws InvalidOptionError for a bad max parallelism or key-group range.
 */
export function resolveKeyGroups(options: {
  readonly maxParallelism?: number;
  readonly keyGroupRange?: KeyGroupRange;
}): { maxParallelism: number; range: KeyGroupRange } {
  const maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
  const range = options.keyGroupRange ?? { start: 0, end: maxParallelism - 1 };
  checkKeyGroupRange(range, maxParallelism, 'keyGroupRange');
  return { maxParallelism, range: Object.freeze({ start: range.start, end: range.end }) };
}

/** The error for a key whose key group the backend does not own. */
export function keyNotOwned(key: unknown, keyGroup: number, range: KeyGroupRange): StateAccessError {
  return new StateAccessError(
    'key-group-not-owned',
    `key ${describeValue(key)} is in key group ${keyGroup}, outside this backend's ` +
      `key groups [${range.start}, ${range.end}]: the record reached the wrong subtask`,
  );
}

/** @throws StateAccessError `key-group-not-owned` unless `range` holds `keyGroup`. */
export function checkKeyGroupOwned(range: KeyGroupRange, keyGroup: number): void {
  if (keyGroup >= range.start && keyGroup <= range.end) return;
  throw new StateAccessError(
    'key-group-not-owned',
    `key group ${keyGroup} is outside this backend's key groups [${range.start}, ${range.end}]`,
  );
}

/** The error for a state name registered again with another kind. */
export function kindConflict(name: string, registered: StateKind, requested: StateKind): StateAccessError {
  return new StateAccessError(
    'kind-conflict',
    `state ${JSON.stringify(name)} is ${registered} state; it cannot also be ${requested} state`,
  );
}

/** The error for a snapshot encoded twice or after release (`during`: released while encoding). */
export function snapshotReleased(during: boolean): StateAccessError {
  return new StateAccessError(
    'snapshot-released',
    during
      ? 'the snapshot was released while it was being encoded'
      : 'a snapshot can be encoded once, before it is released',
  );
}

/** {@link SnapshotEncodeOptions} with defaults filled in. */
export interface ResolvedEncodeOptions {
  readonly batchEntries: number;
  readonly pause: () => Promise<void>;
  readonly incremental: { readonly base?: IncrementalBase } | undefined;
  readonly base: IncrementalBase | undefined;
}

/**
 * Validates encode options and fills in defaults (512 entries per batch, `setImmediate` pauses).
 * @throws InvalidOptionError for a bad `batchEntries`.
 */
export function resolveEncodeOptions(options: SnapshotEncodeOptions): ResolvedEncodeOptions {
  const batchEntries = options.batchEntries ?? 512;
  if (!Number.isInteger(batchEntries) || batchEntries < 1)
    throw new InvalidOptionError('batchEntries', 'a positive integer', batchEntries);
  return {
    batchEntries,
    pause: options.yieldControl ?? yieldToEventLoop,
    incremental: options.incremental,
    base: options.incremental?.base,
  };
}
