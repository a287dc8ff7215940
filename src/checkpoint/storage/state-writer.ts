/**
 * The worker side of checkpoint storage: a subtask writes each snapshot through a
 * {@link StateWriter} and puts the returned handle into its acknowledgement. A writer is built
 * inside the worker from plain data (the storage's `writerDescriptor`, sent at deploy), since live
 * objects cannot cross `postMessage`.
 *
 * - `memory`: the handle carries a copy of the bytes (`inline`); they travel in the ack.
 * - `filesystem`: the bytes go to `<dir>/chk-<id>/<operator>-<subtask>-<kind>.state`, fsync'd
 *   before the handle is returned; the coordinator fsyncs the directory before it commits the
 *   checkpoint's metadata. Savepoints are written to `chk-<id>` too (a barrier does not carry a
 *   target directory); the coordinator moves the files when it commits the savepoint.
 *
 * Thread: the subtask's worker thread (or any thread: writers share nothing).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStorageOptions } from '../config.ts';
import { CheckpointStorageError } from '../errors.ts';
import { writeFileDurably } from './durable-fs.ts';
import { checkpointDir } from './layout.ts';
import { checksumOf, type StateHandle, type StateKind, stateFileName } from './state-handle.ts';

/** Plain data from which a worker builds its {@link StateWriter}: the storage options themselves. */
export type StateWriterDescriptor = CheckpointStorageOptions;

/** Which snapshot is being written. */
export interface StateWriteTarget {
  readonly checkpointId: number;
  readonly operatorUid: string;
  readonly subtask: number;
  readonly kind: StateKind;
}

/** Writes snapshots of operator state to checkpoint storage. */
export interface StateWriter {
  /** Persists `data` (the caller may reuse the buffer once this resolves) and returns its handle. */
  write(target: StateWriteTarget, data: Uint8Array): Promise<StateHandle>;
}

/**
 * State up to this size is not written to a file of its own but carried inline, in the
 * acknowledgement and then in `_metadata` (Flink's `state.storage.fs.memory-threshold`, 20 KB):
 * small states (source positions, small operator state) then cost no file and no fsync.
 */
export const INLINE_STATE_THRESHOLD = 20 * 1024;

/** Builds the writer `descriptor` describes; call it inside the worker. */
export function createStateWriter(descriptor: StateWriterDescriptor): StateWriter {
  if (descriptor.kind === 'memory') return memoryWriter;
  return new FilesystemStateWriter(descriptor.dir, descriptor.inlineThresholdBytes ?? INLINE_STATE_THRESHOLD);
}

/**
 * Inline state of at least this size is copied into a `SharedArrayBuffer`: `postMessage` then
 * shares it with the main thread instead of cloning it, and an incremental checkpoint that reuses it
 * later sends it again for free. Smaller state stays in an ordinary buffer.
 */
export const SHARED_INLINE_THRESHOLD = 64 * 1024;

const memoryWriter: StateWriter = {
  async write(_target, data) {
    // A real copy (Buffer#slice, as packr output has, would be a view), exactly sized.
    const copy =
      data.length >= SHARED_INLINE_THRESHOLD
        ? new Uint8Array(new SharedArrayBuffer(data.length))
        : new Uint8Array(data.length);
    copy.set(data);
    return { kind: 'inline', data: copy, bytes: copy.length, checksum: checksumOf(copy) };
  },
};

class FilesystemStateWriter implements StateWriter {
  readonly #dir: string;
  /**
   * The checkpoint whose directory this writer last made: later writes for it skip mkdir, so a late
   * write for a checkpoint aborted (and deleted) meanwhile fails instead of leaving an orphan.
   */
  #made: number | undefined;

  readonly #inlineThreshold: number;

  constructor(dir: string, inlineThreshold: number) {
    this.#dir = dir;
    this.#inlineThreshold = inlineThreshold;
  }

  async write(target: StateWriteTarget, data: Uint8Array): Promise<StateHandle> {
    if (data.length <= this.#inlineThreshold) return memoryWriter.write(target, data);
    const dir = checkpointDir(this.#dir, target.checkpointId);
    if (this.#made !== target.checkpointId) {
      try {
        await mkdir(dir, { recursive: true });
      } catch (error) {
        throw new CheckpointStorageError('create checkpoint directory', dir, error);
      }
      this.#made = target.checkpointId;
    }
    const name = stateFileName(target.operatorUid, target.subtask, target.kind);
    await writeFileDurably(join(dir, name), data);
    return { kind: 'file', path: name, bytes: data.length, checksum: checksumOf(data) };
  }
}
