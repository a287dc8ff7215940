/**
 * The main-thread side of checkpointing for one job run: builds the checkpoint storage and the
 * coordinator, implements the coordinator's gateway over the subtasks' control ports, routes
 * acknowledgements and declines to it, and starts, stops and shuts it down with the job.
 *
 * Periodic checkpoints start once every subtask runs, and stop when the first subtask finishes:
 * a finished subtask cannot take part in later checkpoints (those in flight still complete, since a
 * subtask acknowledges before it reports that it finished).
 */
import type { Barrier } from '../../channel/frame.ts';
import type { CheckpointConfig } from '../../checkpoint/config.ts';
import { CheckpointCoordinator } from '../../checkpoint/coordinator.ts';
import type { TriggerRequest } from '../../checkpoint/coordinator-options.ts';
import type { CheckpointOutcome } from '../../checkpoint/pending-checkpoint.ts';
import type { CheckpointStatsSnapshot } from '../../checkpoint/stats.ts';
import type { CheckpointStorage, CompletedCheckpoint } from '../../checkpoint/storage/checkpoint-storage.ts';
import type { WeirError } from '../../errors.ts';
import type { JobGraph, JobVertex } from '../../graph/job-graph.ts';
import type { CheckpointReport } from './subtask-checkpointer.ts';
import type { CheckpointControl, CheckpointingDeployment } from './task-checkpointing.ts';

/** How the glue reaches subtasks. */
export interface SubtaskMessenger {
  /** Sends `message` to every running subtask whose vertex satisfies `filter`. */
  send(message: CheckpointControl, filter?: (vertex: JobVertex) => boolean): void;
  /** Fails the job (too many failed checkpoints, or checkpointing broke). */
  fail(error: WeirError): void;
}

export class JobCheckpointing {
  readonly storage: CheckpointStorage;
  readonly coordinator: CheckpointCoordinator;
  readonly #config: CheckpointConfig;

  constructor(init: {
    jobName: string;
    graph: JobGraph;
    config: CheckpointConfig;
    storage: CheckpointStorage;
    messenger: SubtaskMessenger;
    firstCheckpointId?: number;
    /** Called after a checkpoint's metadata is committed, before subtasks hear of it. */
    onCompleted?: (checkpoint: CompletedCheckpoint) => void;
  }) {
    this.#config = init.config;
    this.storage = init.storage;
    const { messenger } = init;
    const isSource = (vertex: JobVertex): boolean => vertex.nodes[0]!.role === 'source';
    this.coordinator = new CheckpointCoordinator({
      jobId: init.jobName,
      config: init.config,
      vertices: init.graph.vertices.map((v) => ({
        vertexId: v.id,
        parallelism: v.parallelism,
        maxParallelism: init.graph.maxParallelism,
        operatorUids: v.nodes.map((n) => n.resolvedUid),
      })),
      storage: init.storage,
      ...(init.firstCheckpointId === undefined ? {} : { firstCheckpointId: init.firstCheckpointId }),
      gateway: {
        triggerSources: (checkpointId, timestamp, options) => {
          const barrier: Barrier = {
            checkpointId,
            timestamp,
            savepoint: options.savepoint,
            unaligned: options.unaligned,
          };
          messenger.send({ type: 'trigger-checkpoint', barrier }, isSource);
        },
        notifyComplete: (checkpointId) => {
          const latest = this.coordinator.latestCompleted();
          if (latest?.checkpointId === checkpointId) init.onCompleted?.(latest);
          messenger.send({ type: 'checkpoint-complete', checkpointId });
        },
        notifyAborted: (checkpointId) => messenger.send({ type: 'checkpoint-aborted', checkpointId }),
        failJob: (error) => messenger.fail(error),
      },
    });
  }

  /** What every subtask needs to take part. */
  get deployment(): CheckpointingDeployment {
    return { mode: this.#config.mode, storage: this.storage.writerDescriptor };
  }

  /** Every subtask of an attempt runs: periodic checkpoints may start. */
  onAllRunning(): void {
    this.coordinator.start();
  }

  /** An attempt ended: nothing pending can complete any more. */
  onAttemptEnded(): void {
    this.coordinator.stop();
    this.coordinator.abortAll('coordinator-suspended');
  }

  /** A subtask finished: no new periodic checkpoints (see the module comment). */
  onSubtaskFinished(): void {
    this.coordinator.stop();
  }

  /** An acknowledgement or decline from a subtask. */
  onReport(report: CheckpointReport): void {
    if (report.type === 'ack') this.coordinator.acknowledge(report.ack);
    else this.coordinator.decline(report.decline);
  }

  /** A manual checkpoint or savepoint. */
  trigger(request: TriggerRequest = {}): Promise<CheckpointOutcome> {
    return this.coordinator.triggerCheckpoint(request);
  }

  stats(): CheckpointStatsSnapshot {
    return this.coordinator.stats();
  }

  latestCompleted(): CompletedCheckpoint | undefined {
    return this.coordinator.latestCompleted();
  }

  /** The job failed: abort everything pending; nothing partial is ever taken as complete. */
  onJobFailing(cause: unknown): void {
    this.coordinator.stop();
    this.coordinator.abortAll('task-failure', cause);
  }

  /** The job ended: abort what is pending and wait for storage work to finish. */
  async shutdown(): Promise<void> {
    await this.coordinator.shutdown();
  }
}
