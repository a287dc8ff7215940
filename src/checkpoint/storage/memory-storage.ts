/**
 * Checkpoint storage in the main thread's memory, for tests and small state (Flink's
 * JobManager checkpoint storage). Subtasks send their state inline in the acknowledgement; a
 * commit keeps the metadata in a map, which is atomic by construction. Nothing survives the
 * process, except savepoints given a `targetDir`, which are written there as self-contained
 * directories exactly as filesystem storage writes them.
 *
 * Handles are kept by reference, not copied: callers must not mutate the bytes of a handle they
 * passed in or got back.
 *
 * Thread: the main thread.
 */
import { join } from 'node:path';
import { CheckpointCorruptError } from '../errors.ts';
import type {
  CheckpointListing,
  CheckpointStorage,
  CommitOptions,
  CompletedCheckpoint,
  LoadOptions,
} from './checkpoint-storage.ts';
import { removeCheckpointDir } from './durable-fs.ts';
import { idFromMemoryPointer, memoryPointer, savepointDirName } from './layout.ts';
import { type CheckpointMetadata, METADATA_FILE, stateBytesOf } from './metadata.ts';
import { loadCheckpoint, summarize, verifyHandle } from './reader.ts';
import { exportSavepoint } from './savepoint-export.ts';
import { handlesOf } from './state-handle.ts';
import type { StateWriterDescriptor } from './state-writer.ts';

/** Keeps completed checkpoints in memory. */
export class MemoryCheckpointStorage implements CheckpointStorage {
  readonly writerDescriptor: StateWriterDescriptor = Object.freeze({ kind: 'memory' });
  readonly #completed = new Map<number, CompletedCheckpoint>();

  async commit(metadata: CheckpointMetadata, options: CommitOptions = {}): Promise<CompletedCheckpoint> {
    if (metadata.savepoint && options.targetDir !== undefined)
      return exportSavepoint(
        metadata,
        undefined,
        join(options.targetDir, savepointDirName(metadata.checkpointId, true)),
      );
    const checkpoint: CompletedCheckpoint = {
      checkpointId: metadata.checkpointId,
      savepoint: metadata.savepoint,
      pointer: memoryPointer(metadata.checkpointId),
      metadata,
      stateBytes: stateBytesOf(metadata),
    };
    this.#completed.set(metadata.checkpointId, checkpoint);
    return checkpoint;
  }

  async discardPending(_checkpointId: number): Promise<void> {
    // Inline state lives only in the acknowledgements, which the coordinator drops.
  }

  async discard(checkpoint: CompletedCheckpoint): Promise<void> {
    if (idFromMemoryPointer(checkpoint.pointer) === undefined)
      await removeCheckpointDir(checkpoint.pointer, METADATA_FILE);
    else this.#completed.delete(checkpoint.checkpointId);
  }

  async list(): Promise<CheckpointListing> {
    const checkpoints = [...this.#completed.values()]
      .sort((a, b) => a.checkpointId - b.checkpointId)
      .map((c) => summarize(c.metadata, c.pointer));
    return { checkpoints, invalid: [] };
  }

  async load(pointer: string, options: LoadOptions = {}): Promise<CompletedCheckpoint> {
    const id = idFromMemoryPointer(pointer);
    if (id === undefined) return loadCheckpoint(pointer, options);
    const checkpoint = this.#completed.get(id);
    if (checkpoint === undefined)
      throw new CheckpointCorruptError(pointer, 'missing', 'memory storage holds no such checkpoint');
    for (const op of checkpoint.metadata.operators)
      for (const sub of op.subtasks)
        for (const [kind, handle] of handlesOf(sub))
          await verifyHandle(
            handle,
            undefined,
            options.verify,
            `${pointer} ${op.operatorUid}[${sub.subtask}] ${kind} state`,
          );
    return checkpoint;
  }

  async latest(options: LoadOptions = {}): Promise<CompletedCheckpoint | undefined> {
    let newest: CompletedCheckpoint | undefined;
    for (const c of this.#completed.values())
      if (newest === undefined || c.checkpointId > newest.checkpointId) newest = c;
    return newest === undefined ? undefined : this.load(newest.pointer, options);
  }
}
