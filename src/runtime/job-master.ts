/**
 * The job master, on the main thread: runs a job as a sequence of execution attempts. It owns the
 * job's lifecycle (created → running → finished, or failing → restarting → running again, or
 * failed, or cancelling → cancelled), the restart strategy, and the checkpoint coordinator, which
 * lives across attempts so that checkpoint ids keep increasing. After a failure the strategy
 * decides; a restart redeploys every subtask over fresh rings and restores each from the latest
 * completed checkpoint (or, without one, from the state the job started from).
 */
import type { Piscina } from 'piscina';
import type { CheckpointConfig } from '../checkpoint/config.ts';
import type { TriggerRequest } from '../checkpoint/coordinator-options.ts';
import type { CheckpointOutcome } from '../checkpoint/pending-checkpoint.ts';
import { failedOutcome } from '../checkpoint/pending-checkpoint.ts';
import type { CheckpointStatsSnapshot } from '../checkpoint/stats.ts';
import type { CheckpointStorage, CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage.ts';
import type { CollectedBatch } from '../connectors/builtin/builtin-sinks.ts';
import { type WeirError, WeirError as WeirErrorClass } from '../errors.ts';
import { type JobGraph, subtaskCount } from '../graph/job-graph.ts';
import { JobLifecycle } from '../job/job-lifecycle.ts';
import type { JobStatus } from '../job/job-status.ts';
import { decideRestart } from '../restart/decide-restart.ts';
import { NoRestartStrategy } from '../restart/no-restart.ts';
import type { RestartStrategy } from '../restart/strategy.ts';
import { BatchStages } from './batch-stages.ts';
import { JobCheckpointing } from './checkpointing/job-checkpointing.ts';
import { planFreshRestart, planRestore, type RestorePlanOptions } from './checkpointing/restore-plan.ts';
import { type AttemptOutcome, ExecutionAttempt } from './execution-attempt.ts';
import { describeFailure, type JobFailure, type JobRecovery } from './job-events.ts';
import { stagedThreads } from './pipelined-regions.ts';
import type { JobModuleRef } from './protocol.ts';
import { createWorkerPool } from './worker-pool.ts';

/** The job was cancelled before it finished. */
export class JobCancelledError extends WeirErrorClass {
  constructor(job: string) {
    super('ERR_JOB_CANCELLED', 'external', `job "${job}" was cancelled`);
  }
}

/** Counters of one operator over all its subtasks. */
export interface OperatorMetrics {
  readonly name: string;
  readonly uid: string;
  readonly parallelism: number;
  /** Records the operator received in the current attempt (for a source: records it emitted). */
  readonly records: number;
}

/** Progress of a running job. */
export interface JobProgress {
  readonly elapsedMs: number;
  /** 1 for the first deployment, +1 per restart. */
  readonly attempt: number;
  readonly status: JobStatus;
  readonly operators: readonly OperatorMetrics[];
  /** The current attempt's subtasks by state (all zero between attempts). */
  readonly subtasks: SubtaskStates;
}

/** How many of an attempt's subtasks are in each state. */
export interface SubtaskStates {
  /** Every subtask of the job graph. */
  readonly total: number;
  /** Deployed and processing their input. */
  readonly running: number;
  /**
   * Their input ended. They stay until every subtask's input has ended, answering checkpoint
   * triggers with their final state (Flink's checkpoints after tasks finished).
   */
  readonly finished: number;
}

/** Events of a job, for progress displays and tests. */
export interface JobEvents {
  onProgress(progress: JobProgress): void;
  onStatus(from: JobStatus, to: JobStatus, cause: Error | undefined): void;
  onCheckpointCompleted(checkpoint: CompletedCheckpoint): void;
  /** An attempt is about to restore `checkpoint` (restarts, and a resumed job's first attempt). */
  onRestored(checkpoint: CompletedCheckpoint | undefined, attempt: number): void;
  /** The restore `onRestored` announced is complete and records flow again. */
  onRecovered(recovery: JobRecovery): void;
  /** An attempt failed; the record says whether and when the job restarts. */
  onFailure(failure: JobFailure): void;
}

export interface JobMasterInit {
  readonly name: string;
  readonly graph: JobGraph;
  readonly job: JobModuleRef;
  readonly ringCapacity: number;
  readonly checkpointConfig: CheckpointConfig;
  readonly storage: CheckpointStorage;
  readonly restartStrategy: RestartStrategy;
  /** State the job starts from (a savepoint or retained checkpoint), if any. */
  readonly initialState: CompletedCheckpoint | undefined;
  readonly restoreOptions: RestorePlanOptions;
  readonly firstCheckpointId: number | undefined;
  readonly resourceLimits: import('node:worker_threads').ResourceLimits | undefined;
  /** Receives collect sinks' batches (transactional ones may repeat after a restore). */
  readonly collect: (batch: CollectedBatch) => void;
  readonly events: JobEvents;
  readonly metricsIntervalMs?: number;
  /**
   * A batch job run by stages over blocking exchanges: no checkpoints (they cannot cross such an
   * exchange), a thread per subtask of the widest vertex (or pipelined region), reused by later stages.
   */
  readonly stages?: StagedExecution | undefined;
}

/** How a batch job runs by stages. */
export interface StagedExecution {
  /** Where its blocking partitions go (a directory of the job's own is made in it). */
  readonly partitionDirectory: string;
}

/** How the job ended, as a value. */
export type JobOutcome =
  | { readonly status: 'finished'; readonly progress: JobProgress }
  | { readonly status: 'failed'; readonly error: Error; readonly progress: JobProgress }
  | { readonly status: 'cancelled'; readonly progress: JobProgress };

/** A bounded job's final checkpoint is retried this often before the job fails. */
const FINAL_CHECKPOINT_TRIES = 3;

export class JobMaster {
  readonly #init: JobMasterInit;
  readonly #lifecycle: JobLifecycle;
  readonly #checkpointing: JobCheckpointing;
  readonly #started = performance.now();
  #attempt: ExecutionAttempt | undefined;
  #pool: Piscina | undefined;
  #stages: BatchStages | undefined;
  #attemptNumber = 0;
  #cancelRequested = false;
  /** Stop-with-savepoint: the attempt is cancelled, and the job ends as finished. */
  #stopRequested = false;
  /** When the last failure was reported (performance.now()), for the recovery's downtime. */
  #failedAt: number | undefined;
  #wakeBackoff: (() => void) | undefined;

  constructor(init: JobMasterInit) {
    this.#init = init;
    this.#lifecycle = new JobLifecycle();
    this.#lifecycle.on('status', (from, to, cause) => init.events.onStatus(from, to, cause));
    this.#checkpointing = new JobCheckpointing({
      jobName: init.name,
      graph: init.graph,
      config: init.checkpointConfig,
      storage: init.storage,
      ...(init.firstCheckpointId === undefined ? {} : { firstCheckpointId: init.firstCheckpointId }),
      messenger: {
        send: (message, filter) => this.#attempt?.send(message, filter),
        fail: (error: WeirError) => this.#attempt?.fail(error),
      },
      onCompleted: (checkpoint) => init.events.onCheckpointCompleted(checkpoint),
    });
  }

  /** The job's current status. */
  get status(): JobStatus {
    return this.#lifecycle.status;
  }

  /** Runs attempts until the job finishes, fails for good, or is cancelled. */
  async run(): Promise<JobOutcome> {
    let restoreFrom = this.#init.initialState;
    const { graph, stages } = this.#init;
    const subtasks = subtaskCount(graph);
    const threads = stages ? stagedThreads(graph) : subtasks;
    let pool: Piscina;
    try {
      // Before the pool: a partition directory weir cannot use fails the job before any thread starts.
      this.#stages = stages ? new BatchStages(stages.partitionDirectory) : undefined;
      pool = await createWorkerPool(threads, subtasks, this.#init.resourceLimits, this.#init.job.module);
    } catch (thrown) {
      this.#stages?.dispose();
      await this.#checkpointing.shutdown();
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.#lifecycle.transition('failed', error);
      return { status: 'failed', error, progress: this.progress() };
    }
    const timer = setInterval(
      () => this.#init.events.onProgress(this.progress()),
      this.#init.metricsIntervalMs ?? 250,
    );
    timer.unref();
    this.#pool = pool;
    try {
      this.#lifecycle.transition('running');
      for (;;) {
        this.#attemptNumber++;
        if (this.#attemptNumber > 1 || restoreFrom !== undefined)
          this.#init.events.onRestored(restoreFrom, this.#attemptNumber);
        const outcome = await this.#runAttempt(restoreFrom);
        if (outcome.status === 'finished' || (outcome.status === 'cancelled' && this.#stopRequested)) {
          this.#lifecycle.transition('finished');
          return { status: 'finished', progress: this.progress() };
        }
        // A stop-with-savepoint whose attempt failed while stopping ends as a cancel.
        if (outcome.status === 'cancelled' || this.#cancelRequested || this.#stopRequested) {
          this.#toCancelled();
          return { status: 'cancelled', progress: this.progress() };
        }
        if (this.#lifecycle.status === 'running') this.#lifecycle.transition('failing', outcome.error);
        const decision = decideRestart(this.#init.restartStrategy, outcome.error, performance.now());
        this.#reportFailure(outcome, decision.restart ? decision.backoffMs : undefined);
        if (this.#cancelRequested) {
          // A failure listener cancelled the job (to stop one that keeps failing).
          this.#toCancelled();
          return { status: 'cancelled', progress: this.progress() };
        }
        if (!decision.restart) {
          // Without a restart strategy the job fails with its failure itself, as in Flink; an
          // exhausted strategy reports itself, with the failure as the cause.
          const error =
            this.#init.restartStrategy instanceof NoRestartStrategy ? outcome.error : decision.error;
          this.#lifecycle.transition('failed', error);
          return { status: 'failed', error, progress: this.progress() };
        }
        this.#lifecycle.transition('restarting');
        await this.#backoff(decision.backoffMs);
        if (this.#cancelRequested) {
          this.#lifecycle.transition('cancelled');
          return { status: 'cancelled', progress: this.progress() };
        }
        restoreFrom = this.#checkpointing.latestCompleted() ?? this.#init.initialState;
        this.#lifecycle.transition('running');
      }
    } finally {
      clearInterval(timer);
      // No thread outlives the job.
      await pool.destroy();
      this.#stages?.dispose();
      await this.#checkpointing.shutdown();
    }
  }

  /**
   * Ends the job as finished after a savepoint (Flink's stop-with-savepoint): the running attempt
   * is cancelled, and what the job produced so far is its result. Without a running attempt (the
   * job is restarting), this is a cancel.
   */
  stop(): void {
    if (this.#lifecycle.status !== 'running') {
      this.cancel();
      return;
    }
    this.#stopRequested = true;
    this.#attempt?.cancel();
  }

  /** Cancels the job: stops the running attempt, or the wait before a restart. */
  cancel(): void {
    if (this.#cancelRequested) return;
    this.#cancelRequested = true;
    const status = this.#lifecycle.status;
    if (status === 'running' || status === 'failing') this.#lifecycle.transition('cancelling');
    this.#attempt?.cancel();
    this.#wakeBackoff?.();
  }

  /**
   * Triggers a checkpoint (or a savepoint) and resolves with its outcome; a batch job run by stages
   * has none (`unsupported-by-stages`).
   */
  triggerCheckpoint(request: TriggerRequest = {}): Promise<CheckpointOutcome> {
    if (this.#init.stages) return Promise.resolve(failedOutcome('unsupported-by-stages'));
    return this.#checkpointing.trigger(request);
  }

  /** Checkpoint statistics. */
  checkpointStats(): CheckpointStatsSnapshot {
    return this.#checkpointing.stats();
  }

  /** Counters of every operator in the current attempt, summed over subtasks. */
  progress(): JobProgress {
    const counts = this.#attempt?.counts();
    const operators: OperatorMetrics[] = [];
    for (const vertex of this.#init.graph.vertices) {
      vertex.nodes.forEach((node, i) => {
        operators.push({
          name: node.name,
          uid: node.resolvedUid,
          parallelism: vertex.parallelism,
          records: counts?.[vertex.index]?.[i] ?? 0,
        });
      });
    }
    return {
      elapsedMs: performance.now() - this.#started,
      attempt: this.#attemptNumber,
      status: this.#lifecycle.status,
      operators,
      subtasks: this.#attempt?.subtaskStates() ?? { total: 0, running: 0, finished: 0 },
    };
  }

  /** The one place failures are reported: with the restart that follows (`delayMs`), if any. */
  #reportFailure(outcome: Extract<AttemptOutcome, { status: 'failed' }>, delayMs: number | undefined): void {
    this.#failedAt = performance.now();
    const attempt = this.#attemptNumber;
    const restart = delayMs === undefined ? undefined : { delayMs, attempt: attempt + 1 };
    this.#init.events.onFailure(describeFailure(outcome.error, attempt, outcome.source, restart));
  }

  /** Every subtask of an attempt that restored state runs: the restore is complete. */
  #reportRecovered(restoreFrom: CompletedCheckpoint | undefined, deployedAt: number): void {
    if (this.#attemptNumber === 1 && restoreFrom === undefined) return;
    const now = performance.now();
    this.#init.events.onRecovered({
      attempt: this.#attemptNumber,
      checkpoint: restoreFrom,
      restoreMs: now - deployedAt,
      downtimeMs: this.#failedAt === undefined ? undefined : now - this.#failedAt,
    });
  }

  async #runAttempt(restoreFrom: CompletedCheckpoint | undefined): Promise<AttemptOutcome> {
    const checkpointing = this.#checkpointing;
    const lifecycle = this.#lifecycle;
    const deployedAt = performance.now();
    const attempt = new ExecutionAttempt({
      name: this.#init.name,
      graph: this.#init.graph,
      job: this.#init.job,
      ringCapacity: this.#init.ringCapacity,
      checkpointing: this.#init.stages ? undefined : checkpointing.deployment,
      stages: this.#stages,
      restore: restoreFrom
        ? planRestore(restoreFrom, this.#init.graph, this.#init.restoreOptions)
        : this.#attemptNumber > 1
          ? planFreshRestart(this.#init.graph)
          : new Map(),
      metricsIntervalMs: this.#init.metricsIntervalMs ?? 250,
      pool: this.#pool!,
      listener: {
        onAllRunning: () => {
          this.#reportRecovered(restoreFrom, deployedAt);
          checkpointing.onAllRunning();
        },
        onSubtaskFinishing: (reply) => checkpointing.onSubtaskFinishing(reply),
        onAllFinishing: () => void this.#finalCheckpoint(attempt),
        onSubtaskFinished: () => checkpointing.onSubtaskFinished(),
        onFailure: (error) => {
          checkpointing.onJobFailing(error);
          if (lifecycle.status === 'running') lifecycle.transition('failing', error);
        },
        onCheckpointReport: (report) => checkpointing.onReport(report),
        onCollected: (batch) => this.#init.collect(batch),
      },
    });
    this.#attempt = attempt;
    if (this.#cancelRequested) attempt.cancel();
    try {
      return await attempt.run();
    } catch (error) {
      return { status: 'failed' as const, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      checkpointing.onAttemptEnded();
    }
  }

  /**
   * Every subtask's input ended: with periodic checkpoints on, take the final checkpoint
   * (two-phase-commit sinks commit on its completion), then let the subtasks end. A final
   * checkpoint that keeps failing fails the job.
   */
  async #finalCheckpoint(attempt: ExecutionAttempt): Promise<void> {
    if (!this.#checkpointing.finalCheckpoint) {
      attempt.finish();
      return;
    }
    let outcome: CheckpointOutcome | undefined;
    for (let tries = 0; tries < FINAL_CHECKPOINT_TRIES; tries++) {
      outcome = await this.#checkpointing.trigger({});
      if (outcome.status === 'completed' || this.#attempt !== attempt) break;
    }
    if (this.#attempt !== attempt) return;
    if (outcome?.status === 'failed') attempt.fail(outcome.error);
    else attempt.finish();
  }

  #toCancelled(): void {
    const status = this.#lifecycle.status;
    if (status === 'running' || status === 'failing') this.#lifecycle.transition('cancelling');
    if (this.#lifecycle.canTransitionTo('cancelled')) this.#lifecycle.transition('cancelled');
  }

  #backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.#wakeBackoff = undefined;
        resolve();
      }
      this.#wakeBackoff = done;
    });
  }
}
