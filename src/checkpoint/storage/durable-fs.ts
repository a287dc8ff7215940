/**
 * The few filesystem operations checkpoint storage is built from, each durable: data is fsync'd
 * before it counts as written, a commit is write-temp, fsync, rename, fsync the directory, and a
 * deletion removes the commit point first. Failures become {@link CheckpointStorageError}s naming
 * the path; a state file that is missing or not what its handle says becomes a
 * {@link CheckpointCorruptError} naming the file.
 *
 * Thread: any (used by the coordinator on the main thread and by state writers in workers).
 */
import { constants, createReadStream } from 'node:fs';
import { copyFile, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomHex } from '../../util/lazy-builtins.ts';
import { CheckpointCorruptError, CheckpointStorageError } from '../errors.ts';
import { algorithmOf, createChecksum } from './state-handle.ts';

/** Writes `data` to `path` (created or replaced) and fsyncs it before resolving. */
export async function writeFileDurably(path: string, data: Uint8Array): Promise<void> {
  try {
    const handle = await open(path, 'w');
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new CheckpointStorageError('write', path, error);
  }
}

/** Replaces `path` with `data` atomically: a reader sees the old file, or all of the new one. */
export async function writeFileAtomically(path: string, data: Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomHex(4)}`;
  await writeFileDurably(temp, data);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw new CheckpointStorageError('rename into place', path, error);
  }
  await fsyncDir(dirname(path));
}

/** Makes the entries of `dir` (created, renamed, deleted files) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new CheckpointStorageError('fsync directory', dir, error);
  }
}

/** Moves a file (a rename, or copy-fsync-unlink across filesystems). */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (error) {
    if (!isErrno(error, 'EXDEV')) throw toStorageOrMissing('move', from, error);
  }
  await copyFileDurably(from, to);
  await unlink(from).catch(() => {});
}

/** Copies a file and fsyncs the copy. */
export async function copyFileDurably(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
  } catch (error) {
    throw toStorageOrMissing('copy', from, error);
  }
  try {
    const handle = await open(to, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new CheckpointStorageError('fsync', to, error);
  }
}

/** Checks that `path` exists with exactly `bytes` bytes (cheap: no reading). */
export async function checkFileSize(path: string, bytes: number): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw toStorageOrMissing('stat', path, error);
  }
  if (size < bytes)
    throw new CheckpointCorruptError(path, 'truncated', `it has ${size} bytes, its handle says ${bytes}`);
  if (size > bytes)
    throw new CheckpointCorruptError(path, 'size-mismatch', `it has ${size} bytes, its handle says ${bytes}`);
}

/** Bytes read per call by {@link readFileVerified}: large enough to read at disk speed, small enough to overlap. */
const READ_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * Reads `path`, proving it has `bytes` bytes with `checksum`. The file is read in chunks, and each
 * chunk is checksummed while the next one is being read, so that hashing overlaps the I/O.
 */
export async function readFileVerified(path: string, bytes: number, checksum: string): Promise<Uint8Array> {
  await checkFileSize(path, bytes);
  const hash = createChecksum(algorithmOf(checksum));
  const data = new Uint8Array(bytes);
  try {
    const handle = await open(path, 'r');
    try {
      const readAt = (offset: number): Promise<{ bytesRead: number }> =>
        handle.read(data, offset, Math.min(READ_CHUNK_BYTES, bytes - offset), offset);
      let offset = 0;
      let pending = bytes > 0 ? readAt(0) : undefined;
      while (pending !== undefined) {
        const { bytesRead } = await pending;
        if (bytesRead === 0)
          throw new CheckpointCorruptError(
            path,
            'truncated',
            `only ${offset} of ${bytes} bytes could be read`,
          );
        const chunk = data.subarray(offset, offset + bytesRead);
        offset += bytesRead;
        pending = offset < bytes ? readAt(offset) : undefined;
        hash.update(chunk);
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw error instanceof CheckpointCorruptError ? error : toStorageOrMissing('read', path, error);
  }
  if (hash.digest() !== checksum)
    throw new CheckpointCorruptError(path, 'checksum-mismatch', 'its content does not match its checksum');
  return data;
}

/** Like {@link readFileVerified}, but streams the file instead of keeping it in memory. */
export async function verifyFile(path: string, bytes: number, checksum: string): Promise<void> {
  await checkFileSize(path, bytes);
  const hash = createChecksum(algorithmOf(checksum));
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    throw toStorageOrMissing('read', path, error);
  }
  if (hash.digest() !== checksum)
    throw new CheckpointCorruptError(path, 'checksum-mismatch', 'its content does not match its checksum');
}

/**
 * Deletes a checkpoint directory: `_metadata` (the commit point) first and durably, so that a crash
 * half-way never leaves a directory that looks like a complete checkpoint, then the rest.
 */
export async function removeCheckpointDir(dir: string, metadataFile: string): Promise<void> {
  const metadata = join(dir, metadataFile);
  try {
    await unlink(metadata);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return removeTree(dir);
    throw new CheckpointStorageError('delete', metadata, error);
  }
  await fsyncDir(dir);
  await removeTree(dir);
}

/** Deletes a directory tree; a missing one is fine. */
export async function removeTree(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  } catch (error) {
    throw new CheckpointStorageError('delete', dir, error);
  }
}

/** Whether `error` is a Node system error with `code`. */
export function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function toStorageOrMissing(operation: string, path: string, error: unknown): Error {
  if (isErrno(error, 'ENOENT'))
    return new CheckpointCorruptError(path, 'missing', `the file ${basename(path)} does not exist`, error);
  return new CheckpointStorageError(operation, path, error);
}
