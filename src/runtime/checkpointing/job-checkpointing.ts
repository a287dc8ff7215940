/**
 * The main-thread side of checkpointing for one job run: builds the checkpoint storage and the
 * coordinator, implements the coordinator's gateway over the subtasks' control ports, routes
 * acknowledgements and declines to it, and starts, stops and shuts it down with the job.
 *
 * Periodic checkpoints start once every subtask runs. A subtask whose input ended stays alive,
 * `finishing`, and answers triggers with its final state (Flink's checkpoints after tasks finished,
 * FLIP-147), so checkpoints and savepoints keep completing while the rest of the job runs; with
 * periodic checkpoints on, the job ends with a final checkpoint. Subtasks exit only once every
 * subtask's input ended; from then on no checkpoint can complete, and manual triggers fail as
 * `job-shutdown`.
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
import type { Clock } from '../../util/clock.ts';
import type { Scheduler } from '../../util/scheduler.ts';
import type { CheckpointControl, CheckpointingDeployment, CheckpointReport } from '../protocol.ts';

/** Which subtasks a message is for. */
export type SubtaskTarget = (vertex: JobVertex, state: 'running' | 'finishing') => boolean;

/** How the glue reaches subtasks. */
export interface SubtaskMessenger {
  /** Sends `message` to every running or finishing subtask that `target` selects (all when omitted). */
  send(message: CheckpointControl, target?: SubtaskTarget): void;
  /** Fails the job (too many failed checkpoints, or checkpointing broke). */
  fail(error: WeirError): void;
}

export class JobCheckpointing {
  readonly storage: CheckpointStorage;
  readonly coordinator: CheckpointCoordinator;
  readonly #config: CheckpointConfig;
  /** Barriers of the checkpoints triggered (pending ones are re-sent to subtasks that start finishing). */
  readonly #barriers = new Map<number, Barrier>();
  #someFinished = false;
  /** Every subtask of the current attempt runs. */
  #running = false;
  /** Stop-with-savepoint in progress: no periodic checkpoint may start. */
  #periodicSuspended = false;
  /** Resolves when every subtask of the current attempt runs (triggers wait for it). */
  #ready: Promise<void>;
  #markReady: () => void = () => {};

  constructor(init: {
    jobName: string;
    graph: JobGraph;
    config: CheckpointConfig;
    storage: CheckpointStorage;
    messenger: SubtaskMessenger;
    firstCheckpointId?: number;
    /** The job master's time and timers, for the coordinator's decisions. */
    clock: Clock;
    timers: Scheduler;
    /** Called after a checkpoint's metadata is committed, before subtasks hear of it. */
    onCompleted?: (checkpoint: CompletedCheckpoint) => void;
  }) {
    this.#config = init.config;
    this.#ready = this.#newReadiness();
    this.storage = init.storage;
    const { messenger } = init;
    // Triggers go to running sources (which emit barriers) and to every finishing subtask (which
    // answers with its final state: no barrier can reach it any more).
    const triggerTarget: SubtaskTarget = (vertex, state) =>
      state === 'finishing' || vertex.nodes[0]!.role === 'source';
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
      clock: init.clock,
      scheduler: init.timers,
      ...(init.firstCheckpointId === undefined ? {} : { firstCheckpointId: init.firstCheckpointId }),
      gateway: {
        triggerSources: (checkpointId, timestamp, options) => {
          const barrier: Barrier = {
            checkpointId,
            timestamp,
            savepoint: options.savepoint,
            unaligned: options.unaligned,
          };
          this.#barriers.set(checkpointId, barrier);
          messenger.send({ type: 'trigger-checkpoint', barrier }, triggerTarget);
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
    const timeout = this.#config.alignedCheckpointTimeoutMs;
    return {
      mode: this.#config.mode,
      storage: this.storage.writerDescriptor,
      finalCheckpoint: this.finalCheckpoint,
      incremental: this.#config.incremental,
      unaligned: this.#config.unaligned,
      ...(timeout === null ? {} : { alignedCheckpointTimeoutMs: timeout }),
    };
  }

  /** Whether bounded jobs end with a final checkpoint (periodic checkpoints are on). */
  get finalCheckpoint(): boolean {
    return this.#config.intervalMs !== null;
  }

  /**
   * A subtask's input ended and it waits for the final checkpoint: it gets the barriers of the
   * checkpoints still pending, which can no longer reach it through its inputs.
   */
  onSubtaskFinishing(send: (message: CheckpointControl) => void): void {
    const pending = new Set(this.coordinator.pendingCheckpointIds());
    for (const [id, barrier] of this.#barriers) {
      if (pending.has(id)) send({ type: 'trigger-checkpoint', barrier });
      else this.#barriers.delete(id);
    }
  }

  /** Every subtask of an attempt runs: periodic checkpoints may start, manual triggers go out. */
  onAllRunning(): void {
    this.#running = true;
    this.#markReady();
    if (!this.#periodicSuspended) this.coordinator.start();
  }

  /**
   * No periodic checkpoint starts until {@link resumePeriodic} (stop-with-savepoint: none may
   * complete after the savepoint). Checkpoints in progress go on; manual triggers still work.
   */
  suspendPeriodic(): void {
    this.#periodicSuspended = true;
    this.coordinator.stop();
  }

  /** Periodic checkpoints go on (the stop's savepoint failed). */
  resumePeriodic(): void {
    this.#periodicSuspended = false;
    if (this.#running && !this.#someFinished && this.coordinator.state !== 'shut-down')
      this.coordinator.start();
  }

  /** An attempt ended: nothing pending can complete any more; triggers wait for the next attempt. */
  onAttemptEnded(): void {
    this.#running = false;
    this.coordinator.stop();
    this.coordinator.abortAll('coordinator-suspended');
    this.#ready = this.#newReadiness();
    this.#barriers.clear();
  }

  #newReadiness(): Promise<void> {
    return new Promise((resolve) => {
      this.#markReady = resolve;
    });
  }

  /** A subtask ended for good: no checkpoint can complete any more (see the module comment). */
  onSubtaskFinished(): void {
    this.#someFinished = true;
    this.coordinator.stop();
    this.coordinator.abortAll('coordinator-suspended');
  }

  /** An acknowledgement or decline from a subtask. */
  onReport(report: CheckpointReport): void {
    if (report.type === 'ack') this.coordinator.acknowledge(report.ack);
    else this.coordinator.decline(report.decline);
  }

  /**
   * A manual checkpoint or savepoint. Waits until every subtask runs (a trigger sent to a source
   * that is still starting would be lost); after the job ended, resolves as failed (`job-shutdown`).
   */
  async trigger(request: TriggerRequest = {}): Promise<CheckpointOutcome> {
    await this.#ready;
    if (this.#someFinished) await this.coordinator.shutdown();
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
    this.#markReady();
  }
}
