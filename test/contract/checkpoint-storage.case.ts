// The checkpoint-storage contract: every storage (memory, filesystem) runs this suite. Subtasks write
// through a writer built from plain data, a commit makes a checkpoint visible, nothing uncommitted ever
// looks complete, and damaged state is refused with ERR_CHECKPOINT_CORRUPT. Entry: checkpointStorageContract.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointCorruptError } from '../../src/checkpoint/errors.ts';
import type {
  CheckpointStorage,
  CompletedCheckpoint,
} from '../../src/checkpoint/storage/checkpoint-storage.ts';
import { type CheckpointMetadata, METADATA_VERSION } from '../../src/checkpoint/storage/metadata.ts';
import { readState } from '../../src/checkpoint/storage/reader.ts';
import type { StateHandle } from '../../src/checkpoint/storage/state-handle.ts';
import { createStateWriter } from '../../src/checkpoint/storage/state-writer.ts';

/** How a test damages one state handle's bytes where the storage keeps them. */
export type Damage = 'flip' | 'truncate' | 'delete';

/** A storage under test and what the suite needs around it. */
export interface StorageUnderTest {
  readonly storage: CheckpointStorage;
  /** Damages the bytes behind `handle` of `checkpoint`; false if this storage cannot suffer `damage`. */
  damage(checkpoint: CompletedCheckpoint, handle: StateHandle, damage: Damage): Promise<boolean>;
}

/** Makes a fresh storage; `scratch` is an empty temporary directory the storage may use. */
export type StorageFactory = (scratch: string) => StorageUnderTest;

const JOB = 'job-1';

/** Writes `values` as the keyed state of operator `op`'s subtasks, the way a worker would. */
async function writeState(
  storage: CheckpointStorage,
  checkpointId: number,
  values: readonly string[],
  op = 'counter',
): Promise<StateHandle[]> {
  // The descriptor crosses postMessage: prove it is plain data by cloning it as postMessage would.
  const writer = createStateWriter(structuredClone(storage.writerDescriptor));
  const handles: StateHandle[] = [];
  for (const [subtask, value] of values.entries())
    handles.push(
      await writer.write(
        { checkpointId, operatorUid: op, subtask, kind: 'keyed' },
        new TextEncoder().encode(value),
      ),
    );
  return handles;
}

function metadataOf(
  checkpointId: number,
  handles: readonly StateHandle[],
  savepoint = false,
): CheckpointMetadata {
  return {
    version: METADATA_VERSION,
    jobId: JOB,
    checkpointId,
    timestamp: 1_700_000_000_000 + checkpointId,
    completedAt: 1_700_000_000_500 + checkpointId,
    savepoint,
    mode: 'exactly-once',
    operators: [
      {
        operatorUid: 'counter',
        vertexId: 'v-counter',
        parallelism: handles.length,
        maxParallelism: 128,
        subtasks: handles.map((keyed, subtask) => ({ subtask, keyed })),
      },
      {
        operatorUid: 'stateless',
        vertexId: 'v-counter',
        parallelism: handles.length,
        maxParallelism: 128,
        subtasks: handles.map((_, subtask) => ({ subtask })),
      },
    ],
  };
}

async function commitCheckpoint(
  storage: CheckpointStorage,
  id: number,
  values: readonly string[],
  options: { savepoint?: boolean; targetDir?: string } = {},
): Promise<CompletedCheckpoint> {
  const handles = await writeState(storage, id, values);
  const commitOptions = options.targetDir === undefined ? {} : { targetDir: options.targetDir };
  return storage.commit(metadataOf(id, handles, options.savepoint ?? false), commitOptions);
}

async function stateOf(checkpoint: CompletedCheckpoint): Promise<string[]> {
  const counter = checkpoint.metadata.operators.find((o) => o.operatorUid === 'counter')!;
  const out: string[] = [];
  for (const sub of counter.subtasks)
    out.push(new TextDecoder().decode(await readState(sub.keyed!, checkpoint.pointer)));
  return out;
}

async function corruption(promise: Promise<unknown>): Promise<CheckpointCorruptError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointCorruptError);
  expect((error as CheckpointCorruptError).code).toBe('ERR_CHECKPOINT_CORRUPT');
  return error as CheckpointCorruptError;
}

/** Registers the checkpoint-storage contract for the storage `factory` makes. */
export function checkpointStorageContract(name: string, factory: StorageFactory): void {
  describe(`${name}: checkpoint storage contract`, () => {
    let scratch: string;
    let subject: StorageUnderTest;
    let storage: CheckpointStorage;

    beforeEach(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'weir-storage-contract-'));
      subject = factory(scratch);
      storage = subject.storage;
    });
    afterEach(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it('commits state written through a writer built from plain data, and reads it back verified', async () => {
      const checkpoint = await commitCheckpoint(storage, 1, ['alpha', 'beta']);
      expect(checkpoint.checkpointId).toBe(1);
      expect(checkpoint.savepoint).toBe(false);
      expect(checkpoint.stateBytes).toBe(9);
      const loaded = await storage.load(checkpoint.pointer);
      expect(loaded.metadata.jobId).toBe(JOB);
      expect(await stateOf(loaded)).toEqual(['alpha', 'beta']);
    });

    it('lists completed checkpoints oldest first, with operators, parallelism and size', async () => {
      await commitCheckpoint(storage, 2, ['b', 'bb']);
      await commitCheckpoint(storage, 1, ['a']);
      const { checkpoints, invalid } = await storage.list();
      expect(invalid).toEqual([]);
      expect(checkpoints.map((c) => c.checkpointId)).toEqual([1, 2]);
      const second = checkpoints[1]!;
      expect(second.stateBytes).toBe(3);
      expect(second.timestamp).toBe(1_700_000_000_002);
      expect(second.operators).toEqual([
        { operatorUid: 'counter', vertexId: 'v-counter', parallelism: 2, maxParallelism: 128 },
        { operatorUid: 'stateless', vertexId: 'v-counter', parallelism: 2, maxParallelism: 128 },
      ]);
    });

    it('finds the latest completed checkpoint for restore', async () => {
      expect(await storage.latest()).toBeUndefined();
      await commitCheckpoint(storage, 1, ['old']);
      await commitCheckpoint(storage, 2, ['new']);
      const latest = await storage.latest();
      expect(latest?.checkpointId).toBe(2);
      expect(await stateOf(latest!)).toEqual(['new']);
    });

    it('state written without a commit (a crash before the metadata) is not a checkpoint', async () => {
      await commitCheckpoint(storage, 1, ['committed']);
      await writeState(storage, 2, ['orphan-a', 'orphan-b']);
      const { checkpoints, invalid } = await storage.list();
      expect(checkpoints.map((c) => c.checkpointId)).toEqual([1]);
      expect(invalid).toEqual([]);
      expect((await storage.latest())?.checkpointId).toBe(1);
      await storage.discardPending(2);
      await storage.discardPending(2); // idempotent
      expect((await storage.list()).checkpoints.map((c) => c.checkpointId)).toEqual([1]);
    });

    it('discards a completed checkpoint, idempotently, leaving the others', async () => {
      const one = await commitCheckpoint(storage, 1, ['a']);
      await commitCheckpoint(storage, 2, ['b']);
      await storage.discard(one);
      await storage.discard(one);
      expect((await storage.list()).checkpoints.map((c) => c.checkpointId)).toEqual([2]);
      await corruption(storage.load(one.pointer));
    });

    it('discardPending never deletes a committed checkpoint', async () => {
      await commitCheckpoint(storage, 1, ['keep']);
      await storage.discardPending(1).catch(() => {});
      expect(await stateOf(await storage.load((await storage.latest())!.pointer))).toEqual(['keep']);
    });

    it('commits a savepoint, flagged, listed and restorable', async () => {
      await commitCheckpoint(storage, 1, ['c']);
      const savepoint = await commitCheckpoint(storage, 2, ['s1', 's2'], { savepoint: true });
      expect(savepoint.savepoint).toBe(true);
      const listed = (await storage.list()).checkpoints.find((c) => c.checkpointId === 2);
      expect(listed?.savepoint).toBe(true);
      expect(await stateOf(await storage.load(savepoint.pointer))).toEqual(['s1', 's2']);
    });

    it('writes a savepoint with a target directory as a self-contained directory there', async () => {
      const target = join(scratch, 'savepoints');
      const savepoint = await commitCheckpoint(storage, 3, ['x', 'y'], {
        savepoint: true,
        targetDir: target,
      });
      expect(savepoint.pointer.startsWith(target)).toBe(true);
      const loaded = await storage.load(savepoint.pointer);
      expect(loaded.savepoint).toBe(true);
      expect(await stateOf(loaded)).toEqual(['x', 'y']);
      for (const sub of loaded.metadata.operators[0]!.subtasks) expect(sub.keyed?.kind).toBe('file');
    });

    for (const [damage, problems] of [
      ['flip', ['checksum-mismatch']],
      ['truncate', ['truncated']],
      ['delete', ['missing']],
    ] as const) {
      it(`refuses state that was damaged (${damage}) with ERR_CHECKPOINT_CORRUPT naming it`, async () => {
        const checkpoint = await commitCheckpoint(storage, 1, ['precious', 'data']);
        const handle = checkpoint.metadata.operators[0]!.subtasks[1]!.keyed!;
        if (!(await subject.damage(checkpoint, handle, damage))) return;
        const error = await corruption(storage.load(checkpoint.pointer));
        expect(problems).toContain(error.problem);
        const named = handle.kind === 'file' ? handle.path : 'counter[1] keyed';
        expect(error.file).toContain(named);
        const direct = await corruption(readState(handle, checkpoint.pointer));
        expect(problems).toContain(direct.problem);
        await corruption(storage.latest());
      });
    }
  });
}
