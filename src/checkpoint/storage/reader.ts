/**
 * Reads checkpoints back: lists the checkpoints and savepoints in a directory, loads one with every
 * state file verified (size and checksum), finds the latest for restore, and reads one handle's
 * bytes. A missing, truncated or corrupted file is a {@link CheckpointCorruptError} naming the file;
 * nothing unverified is ever returned as state. A directory without `_metadata` is not a
 * checkpoint and is skipped.
 *
 * Thread: any; {@link readState} is what a restoring subtask calls in its worker.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CheckpointCorruptError, CheckpointStorageError } from '../errors.ts';
import type {
  CheckpointListing,
  CheckpointSummary,
  CompletedCheckpoint,
  InvalidCheckpoint,
  LoadOptions,
} from './checkpoint-storage.ts';
import { checkFileSize, isErrno, readFileVerified, verifyFile } from './durable-fs.ts';
import { idFromDirName } from './layout.ts';
import {
  allHandles,
  type CheckpointMetadata,
  decodeMetadataFile,
  METADATA_FILE,
  stateBytesOf,
} from './metadata.ts';
import { isHandlePath, matchesChecksum, type StateHandle } from './state-handle.ts';

/** Reads and verifies the `_metadata` of the checkpoint in `dir`. */
export async function readCheckpointMetadata(dir: string): Promise<CheckpointMetadata> {
  const file = join(dir, METADATA_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT'))
      throw new CheckpointCorruptError(file, 'missing', 'the directory is not a completed checkpoint', error);
    throw new CheckpointStorageError('read', file, error);
  }
  return decodeMetadataFile(bytes, file);
}

/** Loads the checkpoint in `dir`, verifying every state file it references. */
export async function loadCheckpoint(dir: string, options: LoadOptions = {}): Promise<CompletedCheckpoint> {
  const pointer = resolve(dir);
  const metadata = await readCheckpointMetadata(pointer);
  for (const handle of allHandles(metadata))
    await verifyHandle(handle, pointer, options.verify ?? 'checksums');
  return {
    checkpointId: metadata.checkpointId,
    savepoint: metadata.savepoint,
    pointer,
    metadata,
    stateBytes: stateBytesOf(metadata),
  };
}

/**
 * Proves a handle's bytes are intact (`sizes`: only that a file is whole). `label` names inline
 * state in errors, which has no file name.
 */
export async function verifyHandle(
  handle: StateHandle,
  checkpointDir: string | undefined,
  verify: 'checksums' | 'sizes' = 'checksums',
  label = 'inline state',
): Promise<void> {
  if (handle.kind === 'inline') return verifyInline(handle.data, handle.bytes, handle.checksum, label);
  const path = resolveHandle(handle.path, checkpointDir);
  if (verify === 'checksums') await verifyFile(path, handle.bytes, handle.checksum);
  else await checkFileSize(path, handle.bytes);
}

/**
 * The verified bytes of one state handle. `checkpointDir` is the checkpoint's pointer (the
 * directory holding `_metadata`); inline handles need none.
 */
export async function readState(handle: StateHandle, checkpointDir?: string): Promise<Uint8Array> {
  if (handle.kind === 'inline') {
    verifyInline(handle.data, handle.bytes, handle.checksum, 'inline state');
    return handle.data;
  }
  return readFileVerified(resolveHandle(handle.path, checkpointDir), handle.bytes, handle.checksum);
}

/** Lists the completed checkpoints and savepoints directly inside `baseDir`, oldest first. */
export async function listCheckpoints(baseDir: string): Promise<CheckpointListing> {
  let names: string[];
  try {
    names = (await readdir(baseDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { checkpoints: [], invalid: [], unfinished: [] };
    throw new CheckpointStorageError('list', baseDir, error);
  }
  const checkpoints: CheckpointSummary[] = [];
  const invalid: InvalidCheckpoint[] = [];
  const unfinished: number[] = [];
  for (const name of names) {
    const pointer = resolve(baseDir, name);
    try {
      checkpoints.push(summarize(await readCheckpointMetadata(pointer), pointer));
    } catch (error) {
      if (!(error instanceof CheckpointCorruptError)) throw error;
      if (error.problem === 'missing') {
        // No _metadata: not a checkpoint, but its id is taken.
        const id = idFromDirName(name);
        if (id !== undefined) unfinished.push(id);
        continue;
      }
      invalid.push({ pointer, checkpointId: idFromDirName(name), error });
    }
  }
  checkpoints.sort((a, b) => a.checkpointId - b.checkpointId || a.completedAt - b.completedAt);
  return { checkpoints, invalid, unfinished: unfinished.sort((a, b) => a - b) };
}

/**
 * The newest completed checkpoint or savepoint in `baseDir`, loaded and verified; `undefined` when
 * there is none. If a directory with a newer id has damaged metadata, rejects with its error
 * instead of falling back to an older checkpoint.
 */
export async function findLatestCheckpoint(
  baseDir: string,
  options: LoadOptions = {},
): Promise<CompletedCheckpoint | undefined> {
  const { checkpoints, invalid } = await listCheckpoints(baseDir);
  const newest = checkpoints.at(-1);
  const damaged = invalid
    .filter(
      (i) => newest === undefined || i.checkpointId === undefined || i.checkpointId > newest.checkpointId,
    )
    .sort((a, b) => (b.checkpointId ?? 0) - (a.checkpointId ?? 0))[0];
  if (damaged !== undefined) throw damaged.error;
  return newest === undefined ? undefined : loadCheckpoint(newest.pointer, options);
}

/** The listing entry for a checkpoint's metadata. */
export function summarize(metadata: CheckpointMetadata, pointer: string): CheckpointSummary {
  return {
    checkpointId: metadata.checkpointId,
    savepoint: metadata.savepoint,
    pointer,
    timestamp: metadata.timestamp,
    completedAt: metadata.completedAt,
    stateBytes: stateBytesOf(metadata),
    operators: metadata.operators.map(({ operatorUid, vertexId, parallelism, maxParallelism }) => ({
      operatorUid,
      vertexId,
      parallelism,
      maxParallelism,
    })),
  };
}

/** The absolute path of a file handle's file. */
export function resolveHandle(path: string, checkpointDir: string | undefined): string {
  if (checkpointDir === undefined)
    throw new TypeError(`reading the state file ${path} needs its checkpoint's directory`);
  if (!isHandlePath(path))
    throw new CheckpointCorruptError(
      join(checkpointDir, path),
      'invalid-format',
      'the handle path is not allowed',
    );
  return resolve(checkpointDir, path);
}

function verifyInline(data: Uint8Array, bytes: number, checksum: string, what: string): void {
  if (data.length < bytes)
    throw new CheckpointCorruptError(
      what,
      'truncated',
      `it has ${data.length} bytes, its handle says ${bytes}`,
    );
  if (data.length > bytes)
    throw new CheckpointCorruptError(
      what,
      'size-mismatch',
      `it has ${data.length} bytes, its handle says ${bytes}`,
    );
  if (!matchesChecksum(data, checksum))
    throw new CheckpointCorruptError(what, 'checksum-mismatch', 'its content does not match its checksum');
}
