/**
 * The job master, on the main thread: runs a job as a sequence of execution attempts. It owns the
 * job's lifecycle (created → running → finished, or failing → restarting → running again, or
 * failed, or cancelling → cancelled), the restart strategy, and the checkpoint coordinator, which
 * lives across attempts so that checkpoint ids keep increasing. How attempts deploy is the
 * scheduling strategy's (pipelined or staged, chosen once here). After a failure the restart
 * strategy decides; a restart redeploys over fresh channels and restores from the latest completed
 * checkpoint (or, without one, from the state the job started from).
 *
 * Invariants: an attempt's failure reaches the job master once (the attempt listener's
 * `onFailure`), which moves the job to `failing`; time and timers are injected (`clock`, `timers`),
 * so nothing here reads the system clock or sets a timer itself.
 */
import type { CheckpointConfig } from '../checkpoint/config.ts';
import type { TriggerRequest } from '../checkpoint/coordinator-options.ts';
import type { CheckpointOutcome } from '../checkpoint/pending-checkpoint.ts';
import { failedOutcome } from '../checkpoint/pending-checkpoint.ts';
import type { CheckpointStatsSnapshot } from '../checkpoint/stats.ts';
import type { CheckpointStorage, CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage.ts';
import { toError, type WeirError } from '../errors.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { JobLifecycle } from '../job/job-lifecycle.ts';
import type { JobStatus } from '../job/job-status.ts';
import type { RestartStrategy } from '../restart/strategy.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { every, keepAliveTimerScheduler, type Scheduler, timerScheduler } from '../util/scheduler.ts';
import { JobCheckpointing } from './checkpointing/job-checkpointing.ts';
import { planFreshRestart, planRestore, type RestorePlanOptions } from './checkpointing/restore-plan.ts';
import { type AttemptFailure, type AttemptFaults, ExecutionAttempt } from './execution-attempt.ts';
import { type FaultInjection, faultDeployment } from './fault-injection.ts';
import { describeFailure, type JobEvents } from './job-events.ts';
import { type JobProgress, operatorMetrics, type SubtaskMetrics } from './job-progress.ts';
import type { CollectedBatch, JobModuleRef } from './protocol.ts';
import { RestartBackoff } from './restart-backoff.ts';
import { createSchedulingStrategy, type StagedExecution } from './scheduling/create-scheduling-strategy.ts';
import type { SchedulingStrategy } from './scheduling/scheduling-strategy.ts';
import type { ThreadPool } from './thread-pool.ts';
import { createWorkerPool } from './worker-pool.ts';

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
  /** Time for progress and restart decisions; default the process's monotonic clock. */
  readonly clock?: Clock;
  /**
   * Timers for progress reports, restart back-off, cancel grace and checkpoints; default
   * `setTimeout`, unref'd except the restart back-off's (while no attempt runs, nothing else keeps
   * the process alive for the restart).
   */
  readonly timers?: Scheduler;
  /** Present: the job runs by stages over blocking exchanges (`StagedScheduling`); absent: pipelined. */
  readonly stages?: StagedExecution | undefined;
  /** Subtask i of every vertex runs in thread i (slot-sharing.ts); default true. */
  readonly threadSharing?: boolean;
  /** Failures to inject (the test-only hook, `fault-injection.ts`); absent: none. */
  readonly faultInjection?: FaultInjection | undefined;
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
  readonly #clock: Clock;
  readonly #timers: Scheduler;
  readonly #started: number;
  readonly #restarts: RestartBackoff;
  #attempt: ExecutionAttempt | undefined;
  #pool: ThreadPool | undefined;
  /** Chosen once, from `init.stages`. */
  readonly #scheduling: SchedulingStrategy;
  #attemptNumber = 0;
  #cancelRequested = false;
  /** Stop-with-savepoint: the attempt is cancelled, and the job ends as finished. */
  #stopRequested = false;
  /** The current attempt's failure, as the attempt reported it (once). */
  #failure: AttemptFailure | undefined;
  /** When the last failure was reported (on the clock), for the recovery's downtime. */
  #failedAt: number | undefined;
  /** The injected failures' plan and flags, one for every attempt (each fault fires once per job). */
  readonly #faults: AttemptFaults | undefined;

  constructor(init: JobMasterInit) {
    this.#init = init;
    this.#faults = init.faultInjection && {
      deployment: faultDeployment(init.faultInjection),
      hooks: init.faultInjection,
    };
    this.#clock = init.clock ?? systemClock;
    this.#timers = init.timers ?? timerScheduler;
    this.#started = this.#clock.now();
    this.#restarts = new RestartBackoff(
      init.restartStrategy,
      this.#clock,
      init.timers ?? keepAliveTimerScheduler,
    );
    this.#scheduling = createSchedulingStrategy(
      init.graph,
      init.ringCapacity,
      init.stages,
      init.threadSharing ?? true,
    );
    this.#lifecycle = new JobLifecycle();
    this.#lifecycle.on('status', (from, to, cause) => init.events.onStatus(from, to, cause));
    this.#checkpointing = new JobCheckpointing({
      jobName: init.name,
      graph: init.graph,
      config: init.checkpointConfig,
      storage: init.storage,
      clock: this.#clock,
      timers: this.#timers,
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
    const scheduling = this.#scheduling;
    let pool: ThreadPool;
    try {
      // Before the pool, so that what the strategy cannot prepare fails the job before any thread starts.
      scheduling.open();
      pool = await createWorkerPool(
        scheduling.placement.threads,
        this.#init.resourceLimits,
        this.#init.job.module,
      );
    } catch (thrown) {
      scheduling.dispose();
      await this.#checkpointing.shutdown();
      const error = toError(thrown);
      this.#lifecycle.transition('failed', error);
      return { status: 'failed', error, progress: this.progress() };
    }
    const stopProgress = every(this.#timers, this.#init.metricsIntervalMs ?? 250, () =>
      this.#init.events.onProgress(this.progress()),
    );
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
        // The attempt reported its failure once (#onFailure), which moved the job to failing.
        const failure = this.#failure!;
        const decision = this.#restarts.decide(failure.error);
        this.#reportFailure(failure, decision.restart ? decision.backoffMs : undefined);
        if (this.#cancelRequested) {
          // A failure listener cancelled the job (to stop one that keeps failing).
          this.#toCancelled();
          return { status: 'cancelled', progress: this.progress() };
        }
        if (!decision.restart) {
          this.#lifecycle.transition('failed', decision.error);
          return { status: 'failed', error: decision.error, progress: this.progress() };
        }
        this.#lifecycle.transition('restarting');
        await this.#restarts.wait(decision.backoffMs);
        if (this.#cancelRequested) {
          this.#lifecycle.transition('cancelled');
          return { status: 'cancelled', progress: this.progress() };
        }
        restoreFrom = this.#checkpointing.latestCompleted() ?? this.#init.initialState;
        this.#lifecycle.transition('running');
      }
    } finally {
      stopProgress();
      // No thread outlives the job.
      await pool.destroy();
      scheduling.dispose();
      await this.#checkpointing.shutdown();
    }
  }

  /**
   * Flink's stop-with-savepoint: periodic checkpoints pause so that none completes after the
   * savepoint (its output would go beyond the savepoint, and a job resumed from it would produce
   * it again); once the savepoint completed the job stops, its result what it produced up to the
   * savepoint. If the savepoint failed, periodic checkpoints resume and the job runs on.
   */
  async stopWithSavepoint(request: TriggerRequest): Promise<CheckpointOutcome> {
    this.#checkpointing.suspendPeriodic();
    const outcome = await this.triggerCheckpoint({ ...request, savepoint: true });
    if (outcome.status === 'completed') this.#stop();
    else this.#checkpointing.resumePeriodic();
    return outcome;
  }

  /**
   * Ends the job as finished: every subtask runs the commits notified so far (the savepoint's),
   * then stops. Without a running attempt (the job is restarting), this is a cancel.
   */
  #stop(): void {
    if (this.#lifecycle.status !== 'running') {
      this.cancel();
      return;
    }
    this.#stopRequested = true;
    this.#attempt?.stop();
  }

  /** Cancels the job: stops the running attempt, or the wait before a restart. */
  cancel(): void {
    if (this.#cancelRequested) return;
    this.#cancelRequested = true;
    const status = this.#lifecycle.status;
    if (status === 'running' || status === 'failing') this.#lifecycle.transition('cancelling');
    this.#attempt?.cancel();
    this.#restarts.interrupt();
  }

  /**
   * Triggers a checkpoint (or a savepoint) and resolves with its outcome; a batch job run by stages
   * has none (`unsupported-by-stages`).
   */
  triggerCheckpoint(request: TriggerRequest = {}): Promise<CheckpointOutcome> {
    if (!this.#scheduling.checkpoints) return Promise.resolve(failedOutcome('unsupported-by-stages'));
    return this.#checkpointing.trigger(request);
  }

  /** Checkpoint statistics. */
  checkpointStats(): CheckpointStatsSnapshot {
    return this.#checkpointing.stats();
  }

  /** Counters of every operator in the current attempt, summed over subtasks. */
  progress(): JobProgress {
    return {
      elapsedMs: this.#clock.now() - this.#started,
      attempt: this.#attemptNumber,
      status: this.#lifecycle.status,
      operators: operatorMetrics(this.#init.graph, this.#attempt?.counts()),
      subtasks: this.#attempt?.subtaskStates() ?? { total: 0, running: 0, finished: 0 },
    };
  }

  /** The current (or last) attempt's subtasks with their latest counters; empty before the first. */
  subtaskMetrics(): readonly SubtaskMetrics[] {
    return this.#attempt?.subtaskMetrics() ?? [];
  }

  /** The one place failures are reported: with the restart that follows (`delayMs`), if any. */
  #reportFailure(failure: AttemptFailure, delayMs: number | undefined): void {
    this.#failedAt = this.#clock.now();
    const attempt = this.#attemptNumber;
    const restart = delayMs === undefined ? undefined : { delayMs, attempt: attempt + 1 };
    this.#init.events.onFailure(describeFailure(failure.error, attempt, failure.source, restart));
  }

  /** Every subtask of an attempt that restored state runs: the restore is complete. */
  #reportRecovered(restoreFrom: CompletedCheckpoint | undefined, deployedAt: number): void {
    if (this.#attemptNumber === 1 && restoreFrom === undefined) return;
    const now = this.#clock.now();
    this.#init.events.onRecovered({
      attempt: this.#attemptNumber,
      checkpoint: restoreFrom,
      restoreMs: now - deployedAt,
      downtimeMs: this.#failedAt === undefined ? undefined : now - this.#failedAt,
    });
  }

  async #runAttempt(restoreFrom: CompletedCheckpoint | undefined) {
    const checkpointing = this.#checkpointing;
    const lifecycle = this.#lifecycle;
    const deployedAt = this.#clock.now();
    this.#failure = undefined;
    const attempt = new ExecutionAttempt({
      name: this.#init.name,
      graph: this.#init.graph,
      job: this.#init.job,
      ringCapacity: this.#init.ringCapacity,
      checkpointing: this.#scheduling.checkpoints ? checkpointing.deployment : undefined,
      scheduling: this.#scheduling,
      restore: restoreFrom
        ? planRestore(restoreFrom, this.#init.graph, this.#init.restoreOptions)
        : this.#attemptNumber > 1
          ? planFreshRestart(this.#init.graph)
          : new Map(),
      metricsIntervalMs: this.#init.metricsIntervalMs ?? 250,
      pool: this.#pool!,
      faults: this.#faults,
      timers: this.#timers,
      listener: {
        onAllRunning: () => {
          this.#reportRecovered(restoreFrom, deployedAt);
          checkpointing.onAllRunning();
        },
        onSubtaskFinishing: (reply) => checkpointing.onSubtaskFinishing(reply),
        onAllFinishing: () => void this.#finalCheckpoint(attempt),
        onSubtaskFinished: () => checkpointing.onSubtaskFinished(),
        onFailure: (failure) => {
          this.#failure = failure;
          checkpointing.onJobFailing(failure.error);
          lifecycle.transition('failing', failure.error);
        },
        onCheckpointReport: (report) => checkpointing.onReport(report),
        onCollected: (batch) => {
          // A transaction restored from the initial state belongs to the job that took it.
          if (batch.restored && restoreFrom !== undefined && restoreFrom === this.#init.initialState) return;
          this.#init.collect(batch);
        },
      },
    });
    this.#attempt = attempt;
    if (this.#cancelRequested) attempt.cancel();
    else if (this.#stopRequested) attempt.stop();
    try {
      return await attempt.run();
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
}
