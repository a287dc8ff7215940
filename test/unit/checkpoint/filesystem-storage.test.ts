// On disk, a checkpoint is a chk-<id> directory whose _metadata is written last; damaged or missing
// metadata and state are refused with ERR_CHECKPOINT_CORRUPT naming the file, never taken as valid.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointCorruptError, type CheckpointStorageError } from '../../../src/checkpoint/errors.ts';
import { FilesystemCheckpointStorage } from '../../../src/checkpoint/storage/filesystem-storage.ts';
import {
  type CheckpointMetadata,
  encodeMetadataFile,
  METADATA_VERSION,
} from '../../../src/checkpoint/storage/metadata.ts';
import { findLatestCheckpoint, listCheckpoints, readState } from '../../../src/checkpoint/storage/reader.ts';
import { checksumOf, type StateHandle } from '../../../src/checkpoint/storage/state-handle.ts';
import { createStateWriter } from '../../../src/checkpoint/storage/state-writer.ts';

let scratch: string;
let dir: string;
let storage: FilesystemCheckpointStorage;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'weir-fs-storage-'));
  dir = join(scratch, 'job');
  storage = new FilesystemCheckpointStorage(dir, 0); // every state in a file: these tests check files
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function metadata(checkpointId: number, handles: StateHandle[], uid = 'counter'): CheckpointMetadata {
  return {
    version: METADATA_VERSION,
    jobId: 'job',
    checkpointId,
    timestamp: 1,
    completedAt: 2,
    savepoint: false,
    mode: 'exactly-once',
    operators: [
      {
        operatorUid: uid,
        vertexId: 'v',
        parallelism: handles.length,
        maxParallelism: 128,
        subtasks: handles.map((keyed, subtask) => ({ subtask, keyed })),
      },
    ],
  };
}

async function write(checkpointId: number, text: string, uid = 'counter'): Promise<StateHandle> {
  const writer = createStateWriter(storage.writerDescriptor);
  return writer.write(
    { checkpointId, operatorUid: uid, subtask: 0, kind: 'keyed' },
    new TextEncoder().encode(text),
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('FilesystemCheckpointStorage on disk', () => {
  it('lays out chk-<id>/<operator>-<subtask>-<kind>.state and _metadata, with no temp files left', async () => {
    const checkpoint = await storage.commit(metadata(1, [await write(1, 'state')]));
    expect(checkpoint.pointer).toBe(join(dir, 'chk-1'));
    expect((await readdir(checkpoint.pointer)).sort()).toEqual(['_metadata', 'counter-0-keyed.state']);
    const file = JSON.parse(await readFile(join(checkpoint.pointer, '_metadata'), 'utf8'));
    expect(file.format).toBe('weir-checkpoint');
    expect(file.metadata.operators[0].subtasks[0].keyed.path).toBe('counter-0-keyed.state');
  });

  it('encodes any operator uid into a safe file name inside the checkpoint directory', async () => {
    const handle = await write(1, 'x', '../../etc/passwd');
    expect(handle.kind === 'file' && handle.path).toBe('%2E%2E%2F%2E%2E%2Fetc%2Fpasswd-0-keyed.state');
    expect(await readdir(join(dir, 'chk-1'))).toHaveLength(1);
  });

  it('refuses to commit when a state file is missing, and leaves no metadata behind', async () => {
    const handle = await write(1, 'state');
    await rm(join(dir, 'chk-1', 'counter-0-keyed.state'));
    const error = await rejection(storage.commit(metadata(1, [handle])));
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect((error as CheckpointCorruptError).problem).toBe('missing');
    expect((await storage.list()).checkpoints).toEqual([]);
  });

  it('never commits over a committed checkpoint', async () => {
    await storage.commit(metadata(1, [await write(1, 'first')]));
    const error = await rejection(storage.commit(metadata(1, [await write(1, 'first')])));
    expect((error as CheckpointStorageError).code).toBe('ERR_CHECKPOINT_STORAGE');
  });

  it('a metadata temp file left by a crash during the commit is not a checkpoint', async () => {
    const handle = await write(1, 'state');
    await writeFile(join(dir, 'chk-1', '_metadata.tmp-1-abcd'), encodeMetadataFile(metadata(1, [handle])));
    // Not a checkpoint, but its id stays taken.
    expect(await listCheckpoints(dir)).toEqual({ checkpoints: [], invalid: [], unfinished: [1] });
    expect(await findLatestCheckpoint(dir)).toBeUndefined();
  });

  for (const [what, damage, problem] of [
    ['a flipped digit', (t: string) => t.replace('"timestamp": 1', '"timestamp": 7'), 'checksum-mismatch'],
    ['truncation', (t: string) => t.slice(0, t.length >> 1), 'truncated'],
    ['an empty file', () => '', 'truncated'],
    ['another format', () => '{"format":"other"}', 'invalid-format'],
  ] as const) {
    it(`detects metadata damaged by ${what}, names _metadata, and refuses to restore`, async () => {
      await storage.commit(metadata(1, [await write(1, 'old')]));
      await storage.commit(metadata(2, [await write(2, 'new')]));
      const file = join(dir, 'chk-2', '_metadata');
      await writeFile(file, damage(await readFile(file, 'utf8')));
      const error = (await rejection(storage.load(join(dir, 'chk-2')))) as CheckpointCorruptError;
      expect(error.code).toBe('ERR_CHECKPOINT_CORRUPT');
      expect(error.problem).toBe(problem);
      expect(error.file).toBe(file);
      const listing = await storage.list();
      expect(listing.checkpoints.map((c) => c.checkpointId)).toEqual([1]);
      expect(listing.invalid.map((i) => [i.checkpointId, i.error.problem])).toEqual([[2, problem]]);
      // Falling back to checkpoint 1 could replay output already committed at 2: refuse instead.
      expect(((await rejection(storage.latest())) as CheckpointCorruptError).file).toBe(file);
    });
  }

  it('refuses metadata of a version it does not know', async () => {
    const bad = { ...metadata(1, []), version: 99 };
    await mkdir(join(dir, 'chk-1'), { recursive: true });
    const body = JSON.stringify(bad);
    const file = {
      format: 'weir-checkpoint',
      checksum: checksumOf(new TextEncoder().encode(body)),
      metadata: bad,
    };
    await writeFile(join(dir, 'chk-1', '_metadata'), JSON.stringify(file));
    const error = (await rejection(storage.load(join(dir, 'chk-1')))) as CheckpointCorruptError;
    expect(error.problem).toBe('unsupported-version');
  });

  it('refuses handle paths that leave the checkpoint storage', async () => {
    const evil: StateHandle = {
      kind: 'file',
      path: '../../../etc/passwd',
      bytes: 1,
      checksum: checksumOf(new Uint8Array(1)),
    };
    const error = await rejection(readState(evil, join(dir, 'chk-1')));
    expect((error as CheckpointCorruptError).problem).toBe('invalid-format');
    await expect(storage.commit(metadata(1, [evil]))).rejects.toBeInstanceOf(CheckpointCorruptError);
  });

  it('reads a file reused from an earlier checkpoint, and copies it into a savepoint', async () => {
    const first = await write(1, 'shared');
    await storage.commit(metadata(1, [first]));
    if (first.kind !== 'file') throw new Error('filesystem storage writes files');
    const reused: StateHandle = { ...first, path: `../chk-1/${first.path}` };
    const second = await storage.commit(metadata(2, [reused]));
    expect(new TextDecoder().decode(await readState(reused, second.pointer))).toBe('shared');
    const savepoint = await storage.commit({ ...metadata(3, [reused]), savepoint: true });
    expect(savepoint.pointer).toBe(join(dir, 'savepoint-3'));
    await rm(join(dir, 'chk-1'), { recursive: true });
    const loaded = await storage.load(savepoint.pointer);
    const handle = loaded.metadata.operators[0]!.subtasks[0]!.keyed!;
    expect(new TextDecoder().decode(await readState(handle, loaded.pointer))).toBe('shared');
  });
});

describe('small state inline in _metadata', () => {
  it('keeps state under the threshold in the metadata, reads it back, and detects tampering', async () => {
    const inline = new FilesystemCheckpointStorage(join(scratch, 'inline'));
    const writer = createStateWriter(inline.writerDescriptor);
    const small = await writer.write(
      { checkpointId: 1, operatorUid: 'src', subtask: 0, kind: 'operator' },
      new TextEncoder().encode('tiny'),
    );
    expect(small.kind).toBe('inline');
    const large = await writer.write(
      { checkpointId: 1, operatorUid: 'src', subtask: 1, kind: 'operator' },
      new Uint8Array(64 * 1024).fill(7),
    );
    expect(large.kind).toBe('file');
    const committed = await inline.commit(metadata(1, [small, large], 'src'));
    expect(await readdir(committed.pointer)).toEqual(['_metadata', 'src-1-operator.state']);
    const loaded = await inline.load(committed.pointer);
    const handle = loaded.metadata.operators[0]!.subtasks[0]!.keyed!;
    expect(new TextDecoder().decode(await readState(handle, loaded.pointer))).toBe('tiny');
    // Flip the inline bytes (base64 of "tiny" is dGlueQ==): the metadata checksum no longer matches.
    const file = join(committed.pointer, '_metadata');
    await writeFile(file, (await readFile(file, 'utf8')).replace('dGlueQ==', 'dGlueA=='));
    const error = await rejection(inline.load(committed.pointer));
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect((error as CheckpointCorruptError).code).toBe('ERR_CHECKPOINT_CORRUPT');
  });
});
