// Incremental keyed checkpoints, without the runtime: a heap backend snapshotted again and again,
// each checkpoint writing only the (state, key group) tables written since the last completed one
// and referencing the rest in earlier checkpoints' files. Restoring any checkpoint of the chain
// gives exactly the state at its snapshot; a damaged shared file is detected; a savepoint of an
// incremental checkpoint is self-contained. Run with each backend taking the checkpoints and the
// other one restoring them (the snapshot format is shared).
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompletedCheckpointStore } from '../../../src/checkpoint/completed-checkpoint-store.ts';
import { CheckpointCorruptError } from '../../../src/checkpoint/errors.ts';
import type { CompletedCheckpoint } from '../../../src/checkpoint/storage/checkpoint-storage.ts';
import { FilesystemCheckpointStorage } from '../../../src/checkpoint/storage/filesystem-storage.ts';
import {
  type CheckpointMetadata,
  checkpointedBytesOf,
  METADATA_VERSION,
  stateBytesOf,
} from '../../../src/checkpoint/storage/metadata.ts';
import { loadCheckpoint } from '../../../src/checkpoint/storage/reader.ts';
import { createStateWriter, type StateWriter } from '../../../src/checkpoint/storage/state-writer.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap/heap-keyed-state-backend.ts';
import type { KeyedStateBackend } from '../../../src/state/keyed-state-backend.ts';
import { EmbeddedKeyedStateBackend } from '../../../src/state/lmdb/lmdb-keyed-state-backend.ts';
import { valueState } from '../../../src/state/value-state.ts';
import { IncrementalKeyedState } from '../../../src/task/checkpointing/incremental-keyed-state.ts';
import { readKeyedState } from '../../../src/task/checkpointing/restore-state.ts';
import { encodeKeyedEnvelope } from '../../../src/task/checkpointing/subtask-checkpointer.ts';

const COUNT = valueState<number>('count', { defaultValue: 0 });
const NAME = valueState<string>('name');
const MAX_PARALLELISM = 16;

type Factory = () => KeyedStateBackend<string>;
const opened: KeyedStateBackend<string>[] = [];
const heap: Factory = () => track(new HeapKeyedStateBackend<string>({ maxParallelism: MAX_PARALLELISM }));
const embedded: Factory = () =>
  track(new EmbeddedKeyedStateBackend<string>({ maxParallelism: MAX_PARALLELISM, cacheRows: 16 }));
function track(backend: KeyedStateBackend<string>): KeyedStateBackend<string> {
  opened.push(backend);
  return backend;
}

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'weir-incremental-'));
});
afterEach(async () => {
  for (const backend of opened.splice(0)) backend.dispose();
  await rm(scratch, { recursive: true, force: true });
});

/** A keyed operator "counter" at parallelism 1 checkpointed incrementally through `writer`. */
class Harness {
  readonly backend: KeyedStateBackend<string>;
  readonly incremental = new IncrementalKeyedState();
  readonly model = new Map<string, { count: number; name?: string }>();
  readonly #writer: StateWriter;

  constructor(writer: StateWriter, factory: Factory) {
    this.#writer = writer;
    this.backend = factory();
  }

  write(key: string, name?: string): void {
    this.backend.setCurrentKey(key);
    const count = this.backend.getState(COUNT);
    count.update(count.value() + 1);
    if (name !== undefined) this.backend.getState(NAME).update(name);
    const entry = this.model.get(key) ?? { count: 0 };
    entry.count++;
    if (name !== undefined) entry.name = name;
    this.model.set(key, entry);
  }

  /** Takes checkpoint `id` (writes during the asynchronous part land after the snapshot). */
  async checkpoint(id: number, during: () => void = () => {}): Promise<CheckpointMetadata> {
    const snapshot = this.backend.snapshot();
    const expected = structuredClone(this.model);
    const base = this.incremental.base();
    let once = false;
    const encoded = await snapshot.encode({
      incremental: base === undefined ? {} : { base },
      batchEntries: 4,
      yieldControl: async () => {
        if (!once) during();
        once = true;
      },
    });
    const keyed = await this.#writer.write(
      { checkpointId: id, operatorUid: 'counter', subtask: 0, kind: 'keyed' },
      encodeKeyedEnvelope(encoded),
    );
    const keyedShared = this.incremental.record(id, snapshot.sequence!, encoded, keyed, base);
    this.expected.set(id, expected);
    return {
      version: METADATA_VERSION,
      jobId: 'job',
      checkpointId: id,
      timestamp: 1,
      completedAt: 2,
      savepoint: false,
      mode: 'exactly-once',
      operators: [
        {
          operatorUid: 'counter',
          vertexId: 'counter',
          parallelism: 1,
          maxParallelism: MAX_PARALLELISM,
          subtasks: [{ subtask: 0, keyed, ...(keyedShared.length > 0 ? { keyedShared } : {}) }],
        },
      ],
    };
  }

  readonly expected = new Map<number, Map<string, { count: number; name?: string }>>();
}

/** The state a checkpoint restores to, read back through the restore code. */
/** Filesystem storage under `scratch/job`, a backend of `take`'s kind, 32 keys of `value` in completed checkpoint 1. */
async function afterFirstCheckpoint(take: Factory, value: string) {
  const dir = join(scratch, 'job');
  const storage = new FilesystemCheckpointStorage(dir, 0);
  const h = new Harness(createStateWriter(storage.writerDescriptor), take);
  for (let k = 0; k < 32; k++) h.write(`k${k}`, value);
  await storage.commit(await h.checkpoint(1));
  h.incremental.completed(1);
  return { dir, storage, h };
}

async function restored(
  checkpoint: CompletedCheckpoint,
  factory: Factory,
): Promise<Map<string, { count: number; name?: string }>> {
  const sub = checkpoint.metadata.operators[0]!.subtasks[0]!;
  const backend = factory();
  const snapshots = await readKeyedState([sub.keyed!], sub.keyedShared ?? [], checkpoint.pointer);
  await backend.restore(snapshots.flatMap((s) => s.keyGroups));
  const out = new Map<string, { count: number; name?: string }>();
  backend.applyToAllKeys(COUNT, (key, state) => out.set(key, { count: state.value() }));
  backend.applyToAllKeys(NAME, (key, state) => {
    const name = state.value();
    if (name !== undefined) out.get(key)!.name = name;
  });
  return out;
}

describe.each([
  { taker: 'heap', take: heap, restorer: embedded },
  { taker: 'embedded', take: embedded, restorer: heap },
])('incremental keyed checkpoints taken by the $taker backend', ({ take, restorer }) => {
  it('restore any checkpoint of a chain that shares files with earlier ones, and keep only what is referenced', async () => {
    const dir = join(scratch, 'job');
    const storage = new FilesystemCheckpointStorage(dir, 0);
    const h = new Harness(createStateWriter(storage.writerDescriptor), take);
    const store = new CompletedCheckpointStore(1, { incremental: true });
    for (let k = 0; k < 64; k++) h.write(`k${k}`, `payload of k${k} `.repeat(20));
    let shared = 0;
    const committed: CompletedCheckpoint[] = [];
    for (let id = 1; id <= 12; id++) {
      // A few keys change between checkpoints, and one more while the asynchronous part runs.
      for (let i = 0; i < 3; i++) h.write(`k${(id * 7 + i * 13) % 64}`);
      const metadata = await h.checkpoint(id, () => h.write(`k${(id * 5) % 64}`, `late ${id}`));
      shared += metadata.operators[0]!.subtasks[0]!.keyedShared?.length ?? 0;
      const checkpoint = await storage.commit(metadata);
      committed.push(checkpoint);
      h.incremental.completed(id);
      store.add(checkpoint);
      for (const released of store.takeReleasable(new Set())) await storage.discard(released);
      // The newest checkpoint restores to exactly the state at its snapshot.
      expect(await restored(await loadCheckpoint(checkpoint.pointer), restorer), `checkpoint ${id}`).toEqual(
        h.expected.get(id),
      );
    }
    expect(shared).toBeGreaterThan(0);
    // Retention kept every checkpoint the newest one still references, and deleted some others.
    const onDisk = (await readdir(dir)).filter((n) => n.startsWith('chk-')).sort();
    const latest = committed.at(-1)!;
    const referenced = new Set(
      (latest.metadata.operators[0]!.subtasks[0]!.keyedShared ?? []).map((s) =>
        s.handle.kind === 'file' ? s.handle.path.split('/')[1] : '',
      ),
    );
    for (const name of referenced) expect(onDisk).toContain(name);
    expect(onDisk.length).toBeLessThan(12);
    expect(await restored(await loadCheckpoint(latest.pointer), restorer)).toEqual(h.expected.get(12));
  });

  it('detects a damaged shared file, naming it', async () => {
    const { dir, storage, h } = await afterFirstCheckpoint(take, 'x'.repeat(200));
    h.write('k1');
    const second = await storage.commit(await h.checkpoint(2));
    const sharedRef = second.metadata.operators[0]!.subtasks[0]!.keyedShared![0]!.handle;
    expect(sharedRef.kind === 'file' && sharedRef.path).toBe('../chk-1/counter-0-keyed.state');
    await writeFile(join(dir, 'chk-1', 'counter-0-keyed.state'), 'garbage');
    const error = await loadCheckpoint(second.pointer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect((error as CheckpointCorruptError).file).toBe(join(dir, 'chk-1', 'counter-0-keyed.state'));
  });

  it('makes a savepoint of an incremental checkpoint self-contained', async () => {
    const { dir, storage, h } = await afterFirstCheckpoint(take, 'y'.repeat(100));
    h.write('k2');
    const metadata = await h.checkpoint(2);
    expect(metadata.operators[0]!.subtasks[0]!.keyedShared).toBeDefined();
    const savepoint = await storage.commit(
      { ...metadata, savepoint: true },
      { targetDir: join(scratch, 'savepoints') },
    );
    await rm(dir, { recursive: true, force: true });
    const sub = savepoint.metadata.operators[0]!.subtasks[0]!;
    for (const { handle } of sub.keyedShared ?? [])
      expect(handle.kind === 'file' && handle.path).not.toMatch(/\//);
    expect(await restored(await loadCheckpoint(savepoint.pointer), restorer)).toEqual(h.expected.get(2));
  });

  it('reuses blobs with memory storage too, sharing their bytes instead of copying them', async () => {
    const h = new Harness(createStateWriter({ kind: 'memory' }), take);
    for (let k = 0; k < 500; k++) h.write(`k${k}`, 'z'.repeat(400));
    const first = await h.checkpoint(1);
    h.incremental.completed(1);
    h.write('k3');
    const second = await h.checkpoint(2);
    const firstKeyed = first.operators[0]!.subtasks[0]!.keyed!;
    const sub = second.operators[0]!.subtasks[0]!;
    expect(sub.keyed!.bytes).toBeLessThan(firstKeyed.bytes / 4);
    expect(sub.keyedShared?.[0]?.handle).toBe(firstKeyed);
    expect(firstKeyed.kind === 'inline' && firstKeyed.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    // What the checkpoint wrote, apart from what it refers to (its own blobs and the reused segment).
    expect(checkpointedBytesOf(first)).toBe(stateBytesOf(first));
    expect(checkpointedBytesOf(second)).toBe(sub.keyed!.bytes);
    expect(stateBytesOf(second)).toBe(sub.keyed!.bytes + firstKeyed.bytes);
    const checkpoint = {
      checkpointId: 2,
      savepoint: false,
      pointer: 'memory:chk-2',
      metadata: second,
      stateBytes: 0,
    };
    expect(await restored(checkpoint, restorer)).toEqual(h.expected.get(2));
  });

  it('an aborted checkpoint never becomes the base', async () => {
    const h = new Harness(createStateWriter({ kind: 'memory' }), take);
    for (let k = 0; k < 100; k++) h.write(`k${k}`, 'w'.repeat(100));
    await h.checkpoint(1);
    h.incremental.aborted(1);
    h.write('k0');
    const second = await h.checkpoint(2);
    expect(second.operators[0]!.subtasks[0]!.keyedShared).toBeUndefined();
  });

  it('retention keeps a retired checkpoint until a later one completed, as a subtask may still use it as base', () => {
    const checkpoint = (id: number): CompletedCheckpoint => ({
      checkpointId: id,
      savepoint: false,
      pointer: `memory:chk-${id}`,
      stateBytes: 0,
      metadata: {
        version: METADATA_VERSION,
        jobId: 'job',
        checkpointId: id,
        timestamp: 1,
        completedAt: 2,
        savepoint: false,
        mode: 'exactly-once',
        operators: [],
      },
    });
    const incremental = new CompletedCheckpointStore(1, { incremental: true });
    const full = new CompletedCheckpointStore(1);
    for (const store of [incremental, full]) {
      store.add(checkpoint(1));
      store.add(checkpoint(2));
    }
    expect(full.takeReleasable(new Set()).map((c) => c.checkpointId)).toEqual([1]);
    expect(incremental.takeReleasable(new Set())).toEqual([]);
    incremental.add(checkpoint(3));
    expect(incremental.takeReleasable(new Set()).map((c) => c.checkpointId)).toEqual([1]);
    expect(incremental.takeReleasable(new Set([2]))).toEqual([]);
  });
});
