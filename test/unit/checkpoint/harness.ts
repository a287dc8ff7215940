// Test doubles for the checkpoint coordinator: a gateway and a storage that record what happens into
// one shared log (so tests can assert the order of commit and notify), a manual clock and scheduler,
// and helpers to build acknowledgements.

import type { CheckpointGateway, TriggerOptions } from '../../../src/checkpoint/checkpoint-gateway.ts';
import type { VertexSpec } from '../../../src/checkpoint/checkpoint-plan.ts';
import { type CheckpointingOptions, resolveCheckpointConfig } from '../../../src/checkpoint/config.ts';
import { CheckpointCoordinator } from '../../../src/checkpoint/coordinator.ts';
import type { CheckpointFailureReason } from '../../../src/checkpoint/failure-reason.ts';
import type { CheckpointAck, OperatorSnapshot, TaskId } from '../../../src/checkpoint/messages.ts';
import type {
  CheckpointListing,
  CheckpointStorage,
  CommitOptions,
  CompletedCheckpoint,
  LoadOptions,
} from '../../../src/checkpoint/storage/checkpoint-storage.ts';
import { MemoryCheckpointStorage } from '../../../src/checkpoint/storage/memory-storage.ts';
import type { CheckpointMetadata } from '../../../src/checkpoint/storage/metadata.ts';
import { checksumOf, type StateHandle } from '../../../src/checkpoint/storage/state-handle.ts';
import type { WeirError } from '../../../src/errors.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { ManualScheduler } from '../../../src/util/scheduler.ts';

/** A gateway that records every call. */
export class RecordingGateway implements CheckpointGateway {
  readonly triggered: Array<{ id: number; timestamp: number; options: TriggerOptions }> = [];
  readonly completed: number[] = [];
  readonly aborted: Array<{ id: number; reason: CheckpointFailureReason }> = [];
  readonly jobFailures: WeirError[] = [];
  /** Set to make triggerSources throw. */
  failTrigger = false;

  constructor(readonly log: string[]) {}

  triggerSources(checkpointId: number, timestamp: number, options: TriggerOptions): void {
    if (this.failTrigger) throw new Error('sources are gone');
    this.log.push(`trigger ${checkpointId}`);
    this.triggered.push({ id: checkpointId, timestamp, options });
  }
  notifyComplete(checkpointId: number): void {
    this.log.push(`notify-complete ${checkpointId}`);
    this.completed.push(checkpointId);
  }
  notifyAborted(checkpointId: number, reason: CheckpointFailureReason): void {
    this.log.push(`notify-aborted ${checkpointId} ${reason}`);
    this.aborted.push({ id: checkpointId, reason });
  }
  failJob(error: WeirError): void {
    this.log.push(`fail-job ${error.code}`);
    this.jobFailures.push(error);
  }
}

/** Memory storage that logs, can fail commits, and can hold a commit until released. */
export class RecordingStorage implements CheckpointStorage {
  readonly inner = new MemoryCheckpointStorage();
  readonly writerDescriptor = this.inner.writerDescriptor;
  failNextCommit = false;
  /** While set, commits wait for {@link releaseCommits}. */
  holdCommits = false;
  #held: Array<() => void> = [];

  constructor(readonly log: string[]) {}

  releaseCommits(): void {
    this.holdCommits = false;
    for (const release of this.#held.splice(0)) release();
  }

  async commit(metadata: CheckpointMetadata, options?: CommitOptions): Promise<CompletedCheckpoint> {
    this.log.push(`commit-start ${metadata.checkpointId}`);
    if (this.holdCommits) await new Promise<void>((resolve) => this.#held.push(resolve));
    if (this.failNextCommit) {
      this.failNextCommit = false;
      this.log.push(`commit-failed ${metadata.checkpointId}`);
      throw new Error('disk full');
    }
    const checkpoint = await this.inner.commit(metadata, options);
    this.log.push(`commit ${metadata.checkpointId}`);
    return checkpoint;
  }
  async discardPending(checkpointId: number): Promise<void> {
    this.log.push(`discard-pending ${checkpointId}`);
  }
  async discard(checkpoint: CompletedCheckpoint): Promise<void> {
    this.log.push(`discard ${checkpoint.checkpointId}`);
    await this.inner.discard(checkpoint);
  }
  list(): Promise<CheckpointListing> {
    return this.inner.list();
  }
  load(pointer: string, options?: LoadOptions): Promise<CompletedCheckpoint> {
    return this.inner.load(pointer, options);
  }
  latest(options?: LoadOptions): Promise<CompletedCheckpoint | undefined> {
    return this.inner.latest(options);
  }
}

/** A source (1 subtask) feeding a chain of two operators (2 subtasks): three tasks ack. */
export const VERTICES: VertexSpec[] = [
  { vertexId: 'source', parallelism: 1, operatorUids: ['src'] },
  { vertexId: 'chain', parallelism: 2, operatorUids: ['map', 'sum'] },
];

export const TASKS: TaskId[] = [
  { vertexId: 'source', subtask: 0 },
  { vertexId: 'chain', subtask: 0 },
  { vertexId: 'chain', subtask: 1 },
];

/** An inline handle holding `text`. */
export function inline(text: string): StateHandle {
  const data = new TextEncoder().encode(text);
  return { kind: 'inline', data, bytes: data.length, checksum: checksumOf(data) };
}

/** An acknowledgement from `task` with one keyed state for its head operator. */
export function ackFrom(
  checkpointId: number,
  task: TaskId,
  options: { operators?: OperatorSnapshot[]; alignmentDurationMs?: number; stateBytes?: number } = {},
): CheckpointAck {
  const head = VERTICES.find((v) => v.vertexId === task.vertexId)?.operatorUids[0] ?? 'unknown';
  return {
    checkpointId,
    task,
    operators: options.operators ?? [
      { operatorUid: head, keyed: inline(`${head}-${task.subtask}-${checkpointId}`) },
    ],
    metrics: {
      syncDurationMs: 1,
      asyncDurationMs: 2,
      alignmentDurationMs: options.alignmentDurationMs ?? 0,
      startDelayMs: 0,
      stateBytes: options.stateBytes ?? 10,
    },
  };
}

/** A coordinator wired to recorders, a manual clock and a manual scheduler. */
export function setup(options: CheckpointingOptions = {}, extra: { firstCheckpointId?: number } = {}) {
  const log: string[] = [];
  const clock = new ManualClock(1000);
  const scheduler = new ManualScheduler(clock);
  const gateway = new RecordingGateway(log);
  const storage = new RecordingStorage(log);
  const backgroundErrors: Error[] = [];
  const coordinator = new CheckpointCoordinator({
    jobId: 'job-1',
    config: resolveCheckpointConfig(options),
    vertices: VERTICES,
    storage,
    gateway,
    clock,
    scheduler,
    epochClock: { now: () => 1_700_000_000_000 + clock.now() },
    onBackgroundError: (e) => backgroundErrors.push(e),
    ...extra,
  });
  /** Every task acknowledges `checkpointId`; resolves once the commit work has settled. */
  const ackAll = async (checkpointId: number): Promise<void> => {
    for (const task of TASKS) coordinator.acknowledge(ackFrom(checkpointId, task));
    await coordinator.settled();
  };
  return { log, clock, scheduler, gateway, storage, coordinator, ackAll, backgroundErrors };
}
