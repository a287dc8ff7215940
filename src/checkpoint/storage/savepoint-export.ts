/**
 * Makes a savepoint self-contained: every state file it needs is moved (files the savepoint's own
 * subtasks wrote), copied (files reused from earlier checkpoints, which retention may delete) or
 * written (inline state from memory storage) into the savepoint's own directory, then its metadata
 * is written last. The result can be moved, archived or restored without the job's checkpoint
 * directory, and retention never touches it.
 *
 * Thread: the main thread (the coordinator's commit).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CheckpointStorageError } from '../errors.ts';
import type { CompletedCheckpoint } from './checkpoint-storage.ts';
import {
  checkFileSize,
  copyFileDurably,
  fsyncDir,
  isErrno,
  moveFile,
  removeTree,
  writeFileAtomically,
  writeFileDurably,
} from './durable-fs.ts';
import {
  type CheckpointMetadata,
  encodeMetadataFile,
  METADATA_FILE,
  type OperatorStateEntry,
  type SubtaskStateEntry,
  stateBytesOf,
} from './metadata.ts';
import {
  type FileStateHandle,
  ownerOf,
  type SharedKeyedState,
  STATE_KINDS,
  type StateHandle,
  type StateKind,
  stateFileName,
} from './state-handle.ts';

/**
 * Writes the savepoint `metadata` describes into `destDir` (which must not exist yet). File handles
 * are resolved against `sourceDir` (the `chk-<id>` directory its subtasks wrote to), which is
 * deleted afterwards. On failure the partial `destDir` is removed and nothing is committed.
 */
export async function exportSavepoint(
  metadata: CheckpointMetadata,
  sourceDir: string | undefined,
  destDir: string,
): Promise<CompletedCheckpoint> {
  const dest = resolve(destDir);
  try {
    await mkdir(dirname(dest), { recursive: true });
    await mkdir(dest);
  } catch (error) {
    const why = isErrno(error, 'EEXIST') ? 'create (it already exists)' : 'create';
    throw new CheckpointStorageError(`${why} savepoint directory`, dest, error);
  }
  let exported: CheckpointMetadata;
  try {
    const operators: OperatorStateEntry[] = [];
    for (const op of metadata.operators) {
      const subtasks: SubtaskStateEntry[] = [];
      for (const sub of op.subtasks) {
        const entry: { subtask: number; keyedShared?: SharedKeyedState[] } & {
          [K in StateKind]?: StateHandle;
        } = { subtask: sub.subtask };
        for (const kind of STATE_KINDS) {
          const handle = sub[kind];
          if (handle === undefined) continue;
          const name = stateFileName(op.operatorUid, sub.subtask, kind);
          entry[kind] = await place(handle, metadata.checkpointId, sourceDir, join(dest, name), name);
        }
        if (sub.keyedShared !== undefined) {
          // Keyed state shared with earlier checkpoints is copied in: a savepoint stands alone.
          const shared: SharedKeyedState[] = [];
          for (const [i, { handle, blobs }] of sub.keyedShared.entries()) {
            const name = stateFileName(op.operatorUid, sub.subtask, 'keyed').replace(
              /\.state$/,
              `-shared-${i}.state`,
            );
            shared.push({
              handle: await place(handle, metadata.checkpointId, sourceDir, join(dest, name), name),
              blobs,
            });
          }
          entry.keyedShared = shared;
        }
        subtasks.push(entry);
      }
      operators.push({ ...op, subtasks });
    }
    exported = { ...metadata, operators };
    await fsyncDir(dest);
    await writeFileAtomically(join(dest, METADATA_FILE), encodeMetadataFile(exported));
    await fsyncDir(dirname(dest));
  } catch (error) {
    await removeTree(dest).catch(() => {});
    throw error;
  }
  if (sourceDir !== undefined) await removeTree(sourceDir).catch(() => {});
  return {
    checkpointId: exported.checkpointId,
    savepoint: exported.savepoint,
    pointer: dest,
    metadata: exported,
    stateBytes: stateBytesOf(exported),
  };
}

async function place(
  handle: StateHandle,
  checkpointId: number,
  sourceDir: string | undefined,
  to: string,
  name: string,
): Promise<FileStateHandle> {
  const { bytes, checksum } = handle;
  if (handle.kind === 'inline') {
    await writeFileDurably(to, handle.data);
    return { kind: 'file', path: name, bytes, checksum };
  }
  if (sourceDir === undefined) throw new TypeError(`state file ${handle.path} has no source directory`);
  const from = resolve(sourceDir, handle.path);
  await checkFileSize(from, bytes);
  if (ownerOf(handle, checkpointId) === checkpointId) await moveFile(from, to);
  else await copyFileDurably(from, to);
  return { kind: 'file', path: name, bytes, checksum };
}
