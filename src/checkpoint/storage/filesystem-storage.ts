/**
 * Checkpoint storage in a filesystem directory, the job's checkpoint directory (layout in
 * docs/checkpoint-storage.md). Subtasks write `chk-<id>/<operator>-<subtask>-<kind>.state` and
 * fsync each file; a commit checks every referenced file is there whole, fsyncs the directory, then
 * writes `_metadata` atomically (temp file, fsync, rename, fsync the directory): the commit point.
 * A crash at any moment before the rename leaves a directory without `_metadata`, which no reader
 * takes for a checkpoint.
 *
 * Thread: the main thread.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CheckpointStorageError } from '../errors.ts';
import type {
  CheckpointListing,
  CheckpointStorage,
  CommitOptions,
  CompletedCheckpoint,
  LoadOptions,
} from './checkpoint-storage.ts';
import {
  checkFileSize,
  fsyncDir,
  isErrno,
  removeCheckpointDir,
  removeTree,
  writeFileAtomically,
} from './durable-fs.ts';
import { checkpointDir, savepointDirName } from './layout.ts';
import {
  allHandles,
  type CheckpointMetadata,
  encodeMetadataFile,
  METADATA_FILE,
  stateBytesOf,
} from './metadata.ts';
import { findLatestCheckpoint, listCheckpoints, loadCheckpoint, resolveHandle } from './reader.ts';
import { exportSavepoint } from './savepoint-export.ts';
import type { StateWriterDescriptor } from './state-writer.ts';

/** Keeps checkpoints in a directory. */
export class FilesystemCheckpointStorage implements CheckpointStorage {
  readonly writerDescriptor: StateWriterDescriptor;
  readonly #dir: string;

  /**
   * `dir` is the job's checkpoint directory; it is created when first needed. State up to
   * `inlineThresholdBytes` (default: INLINE_STATE_THRESHOLD) goes inline into `_metadata`.
   */
  constructor(dir: string, inlineThresholdBytes?: number) {
    this.#dir = resolve(dir);
    this.writerDescriptor = Object.freeze(
      inlineThresholdBytes === undefined
        ? { kind: 'filesystem', dir: this.#dir }
        : { kind: 'filesystem', dir: this.#dir, inlineThresholdBytes },
    );
  }

  /** The job's checkpoint directory (absolute). */
  get dir(): string {
    return this.#dir;
  }

  async commit(metadata: CheckpointMetadata, options: CommitOptions = {}): Promise<CompletedCheckpoint> {
    const id = metadata.checkpointId;
    const source = checkpointDir(this.#dir, id);
    if (metadata.savepoint) {
      const dest =
        options.targetDir === undefined
          ? join(this.#dir, savepointDirName(id, false))
          : join(options.targetDir, savepointDirName(id, true));
      return exportSavepoint(metadata, source, dest);
    }
    for (const handle of allHandles(metadata)) {
      // Inline (small) state goes into the metadata itself; files must be there, whole.
      if (handle.kind === 'file') await checkFileSize(resolveHandle(handle.path, source), handle.bytes);
    }
    try {
      await mkdir(source, { recursive: true }); // a checkpoint of a stateless job has no files
    } catch (error) {
      throw new CheckpointStorageError('create checkpoint directory', source, error);
    }
    await refuseIfCommitted(source);
    await fsyncDir(source);
    await writeFileAtomically(join(source, METADATA_FILE), encodeMetadataFile(metadata));
    await fsyncDir(this.#dir);
    return {
      checkpointId: id,
      savepoint: false,
      pointer: source,
      metadata,
      stateBytes: stateBytesOf(metadata),
    };
  }

  async discardPending(checkpointId: number): Promise<void> {
    const dir = checkpointDir(this.#dir, checkpointId);
    await refuseIfCommitted(dir);
    await removeTree(dir);
  }

  async discard(checkpoint: CompletedCheckpoint): Promise<void> {
    await removeCheckpointDir(checkpoint.pointer, METADATA_FILE);
  }

  list(): Promise<CheckpointListing> {
    return listCheckpoints(this.#dir);
  }

  load(pointer: string, options: LoadOptions = {}): Promise<CompletedCheckpoint> {
    return loadCheckpoint(pointer, options);
  }

  latest(options: LoadOptions = {}): Promise<CompletedCheckpoint | undefined> {
    return findLatestCheckpoint(this.#dir, options);
  }
}

/** Guards against ever overwriting or deleting a committed checkpoint as if it were pending. */
async function refuseIfCommitted(dir: string): Promise<void> {
  try {
    await stat(join(dir, METADATA_FILE));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return;
    throw new CheckpointStorageError('inspect', dir, error);
  }
  throw new CheckpointStorageError('treat as pending (it is already committed)', dir);
}
