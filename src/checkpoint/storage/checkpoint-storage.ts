/**
 * The main-thread side of checkpoint storage, one interface with one implementation per medium
 * (`memory-storage.ts`, `filesystem-storage.ts`), all held to the shared contract suite in
 * `test/contract/checkpoint-storage.case.ts`. Subtasks write state through a `StateWriter` built
 * from {@link CheckpointStorage.writerDescriptor}; the coordinator commits a checkpoint by writing its
 * metadata last, discards aborted and retired ones, and the runtime finds what to restore from.
 *
 * Thread: the main thread. Implementations may be called concurrently for different checkpoints;
 * the coordinator serialises commits.
 */
import type { CheckpointCorruptError } from '../errors.ts';
import type { CheckpointMetadata } from './metadata.ts';
import type { StateWriterDescriptor } from './state-writer.ts';

/** A checkpoint whose metadata has been committed. */
export interface CompletedCheckpoint {
  readonly checkpointId: number;
  readonly savepoint: boolean;
  /** Where it lives: the directory holding `_metadata`, or `memory:chk-<id>` for memory storage. */
  readonly pointer: string;
  /** Handles are inline (memory) or files relative to `pointer`. */
  readonly metadata: CheckpointMetadata;
  /** Total bytes of state it references. */
  readonly stateBytes: number;
}

/** What a listing says about one completed checkpoint (without reading its state). */
export interface CheckpointSummary {
  readonly checkpointId: number;
  readonly savepoint: boolean;
  readonly pointer: string;
  /** Trigger time, ms since the epoch. */
  readonly timestamp: number;
  readonly completedAt: number;
  readonly stateBytes: number;
  readonly operators: ReadonlyArray<{
    readonly operatorUid: string;
    readonly vertexId: string;
    readonly parallelism: number;
    readonly maxParallelism: number;
  }>;
}

/** A directory that claims to be a checkpoint but whose metadata cannot be read. */
export interface InvalidCheckpoint {
  readonly pointer: string;
  /** The id its name claims, if it has one. */
  readonly checkpointId: number | undefined;
  readonly error: CheckpointCorruptError;
}

/** The completed checkpoints and savepoints a storage holds, oldest first. */
export interface CheckpointListing {
  readonly checkpoints: readonly CheckpointSummary[];
  /** Directories with a damaged `_metadata` (a directory with none is simply not a checkpoint). */
  readonly invalid: readonly InvalidCheckpoint[];
  /**
   * Ids of checkpoint directories without `_metadata`: left unfinished by a crash (or being
   * written). Not checkpoints, but a new checkpoint never takes their id or directory.
   */
  readonly unfinished?: readonly number[];
}

/** Options of {@link CheckpointStorage.commit}. */
export interface CommitOptions {
  /** Savepoints only: write a self-contained savepoint directory into this directory. */
  readonly targetDir?: string;
}

/** Options of {@link CheckpointStorage.load}. */
export interface LoadOptions {
  /** `checksums` (default) reads and hashes every state file; `sizes` only checks they exist whole. */
  readonly verify?: 'checksums' | 'sizes';
}

/** Where completed checkpoints are kept. */
export interface CheckpointStorage {
  /** Plain data a worker turns into its `StateWriter` with `createStateWriter`. */
  readonly writerDescriptor: StateWriterDescriptor;

  /**
   * Commits a checkpoint whose every task has acknowledged: checks the state it references is in
   * place, then writes `metadata` last and atomically. Savepoints become self-contained (moved to
   * their own directory, `targetDir` if given, with any reused file copied in). Rejects with a
   * storage or corruption error; then nothing that looks like a completed checkpoint is left.
   */
  commit(metadata: CheckpointMetadata, options?: CommitOptions): Promise<CompletedCheckpoint>;

  /** Deletes what subtasks wrote for a checkpoint that was not committed. Idempotent. */
  discardPending(checkpointId: number): Promise<void>;

  /** Deletes a completed checkpoint, its commit point first. Idempotent. */
  discard(checkpoint: CompletedCheckpoint): Promise<void>;

  /** The completed checkpoints and savepoints in this storage (not those in other target dirs). */
  list(): Promise<CheckpointListing>;

  /** Loads a completed checkpoint by pointer, verifying its state; rejects with a corruption error. */
  load(pointer: string, options?: LoadOptions): Promise<CompletedCheckpoint>;

  /**
   * The newest completed checkpoint or savepoint, verified, to restore from; `undefined` if none.
   * Rejects if the newest one is damaged rather than silently falling back to an older one (which
   * could replay output that two-phase-commit sinks already committed).
   */
  latest(options?: LoadOptions): Promise<CompletedCheckpoint | undefined>;
}
