// With filesystem storage, tasks' state files and the coordinator's _metadata make a checkpoint that a
// restore finds and verifies; _metadata is on disk before completion is notified; retention deletes
// old chk-<id> directories and never savepoints.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointGateway } from '../../../src/checkpoint/checkpoint-gateway.ts';
import { resolveCheckpointConfig } from '../../../src/checkpoint/config.ts';
import { CheckpointCoordinator } from '../../../src/checkpoint/coordinator.ts';
import type { CheckpointFailureReason } from '../../../src/checkpoint/failure-reason.ts';
import type { TaskId } from '../../../src/checkpoint/messages.ts';
import { createCheckpointStorage } from '../../../src/checkpoint/storage/create-storage.ts';
import { findLatestCheckpoint, readState } from '../../../src/checkpoint/storage/reader.ts';
import { createStateWriter } from '../../../src/checkpoint/storage/state-writer.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { ManualScheduler } from '../../../src/util/scheduler.ts';
import { TASKS, VERTICES } from './harness.ts';

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'weir-coordinator-fs-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function setup(retained = 1) {
  const dir = join(scratch, 'job');
  const config = resolveCheckpointConfig({
    intervalMs: 10,
    retained,
    storage: { kind: 'filesystem', dir, inlineThresholdBytes: 0 },
  });
  const storage = createCheckpointStorage(config.storage);
  const events: string[] = [];
  const gateway: CheckpointGateway = {
    triggerSources: (id) => events.push(`trigger ${id}`),
    notifyComplete: (id) =>
      events.push(`complete ${id}, metadata on disk: ${existsSync(join(dir, `chk-${id}`, '_metadata'))}`),
    notifyAborted: (id: number, reason: CheckpointFailureReason) => events.push(`aborted ${id} ${reason}`),
    failJob: (error) => events.push(`fail ${error.code}`),
  };
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  const coordinator = new CheckpointCoordinator({
    jobId: 'job',
    config,
    vertices: VERTICES,
    storage,
    gateway,
    clock,
    scheduler,
  });
  // What a worker does: build a writer from the plain descriptor, write, acknowledge with the handle.
  const snapshot = async (checkpointId: number, task: TaskId) => {
    const writer = createStateWriter(structuredClone(storage.writerDescriptor));
    const operatorUid = VERTICES.find((v) => v.vertexId === task.vertexId)!.operatorUids[0]!;
    const data = new TextEncoder().encode(`${operatorUid}[${task.subtask}]@${checkpointId}`);
    const keyed = await writer.write(
      { checkpointId, operatorUid, subtask: task.subtask, kind: 'keyed' },
      data,
    );
    const metrics = {
      syncDurationMs: 0,
      asyncDurationMs: 1,
      alignmentDurationMs: 0,
      startDelayMs: 0,
      stateBytes: data.length,
    };
    return coordinator.acknowledge({ checkpointId, task, operators: [{ operatorUid, keyed }], metrics });
  };
  const checkpointAll = async (checkpointId: number) => {
    for (const task of TASKS) expect(await snapshot(checkpointId, task)).toBe('success');
    await coordinator.settled();
  };
  return { dir, storage, coordinator, scheduler, events, snapshot, checkpointAll };
}

describe('CheckpointCoordinator with filesystem storage', () => {
  it('commits a checkpoint a restore finds and verifies, with _metadata on disk before notify', async () => {
    const { dir, coordinator, scheduler, events, checkpointAll } = setup();
    coordinator.start();
    scheduler.advance(10);
    await checkpointAll(1);
    expect(events).toEqual(['trigger 1', 'complete 1, metadata on disk: true']);
    const latest = await findLatestCheckpoint(dir);
    expect(latest?.checkpointId).toBe(1);
    const map = latest!.metadata.operators.find((o) => o.operatorUid === 'map')!;
    const bytes = await readState(map.subtasks[1]!.keyed!, latest!.pointer);
    expect(new TextDecoder().decode(bytes)).toBe('map[1]@1');
    await coordinator.shutdown();
  });

  it('a checkpoint whose last ack never came leaves nothing that looks complete', async () => {
    const { dir, coordinator, snapshot } = setup();
    void coordinator.triggerCheckpoint();
    await snapshot(1, TASKS[0]!);
    await snapshot(1, TASKS[1]!);
    expect(await findLatestCheckpoint(dir)).toBeUndefined();
    await coordinator.shutdown(); // aborts it and deletes what the tasks wrote
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the newest checkpoints, deletes older directories, and never deletes savepoints', async () => {
    const { dir, coordinator, checkpointAll } = setup(1);
    const target = join(scratch, 'savepoints');
    const savepoint = coordinator.triggerCheckpoint({ savepoint: true, targetDir: target });
    await checkpointAll(1);
    const done = await savepoint;
    expect(done.status).toBe('completed');
    if (done.status !== 'completed') return;
    expect(done.checkpoint.pointer.startsWith(target)).toBe(true);
    const inDir = coordinator.triggerCheckpoint({ savepoint: true });
    await checkpointAll(2);
    expect((await inDir).status).toBe('completed');
    for (const id of [3, 4]) {
      void coordinator.triggerCheckpoint();
      await checkpointAll(id);
    }
    expect((await readdir(dir)).sort()).toEqual(['chk-4', 'savepoint-2']);
    expect(await readdir(done.checkpoint.pointer)).toContain('_metadata');
    expect((await findLatestCheckpoint(dir))?.checkpointId).toBe(4);
    await coordinator.shutdown();
  });
});
