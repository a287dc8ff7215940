/**
 * The handle on a running job: its result, status and progress events, checkpoints and savepoints
 * on demand, checkpoint statistics, and cancellation. `execute()` is `executeAsync()` followed by
 * `client.result`.
 */
import type { TriggerRequest } from '../checkpoint/coordinator-options.ts';
import type { CheckpointOutcome } from '../checkpoint/pending-checkpoint.ts';
import type { CheckpointStatsSnapshot } from '../checkpoint/stats.ts';
import type { CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage.ts';
import type { JobConfiguration } from '../config/job-configuration.ts';
import type { DashboardHandle } from '../dashboard/dashboard-options.ts';
import { InvalidOptionError } from '../errors.ts';
import type { JobPlan } from '../graph/job-plan.ts';
import { JobAbortedError } from '../job/errors.ts';
import type { JobStatus } from '../job/job-status.ts';
import { JobCancelledError } from '../runtime/errors.ts';
import type { JobFailure, JobRecovery } from '../runtime/job-events.ts';
import type { JobMaster } from '../runtime/job-master.ts';
import type { JobProgress, OperatorMetrics, SubtaskMetrics } from '../runtime/job-progress.ts';
import { randomHex } from '../util/lazy-builtins.ts';
import { onAbort } from './execute-options.ts';

/** What a finished job reports. */
export interface JobResult {
  readonly jobName: string;
  /** Wall-clock duration from the first deployment to the end (ms). */
  readonly durationMs: number;
  /** Number of execution attempts (1 + restarts). */
  readonly attempts: number;
  /** Per-operator record counts of the last attempt (sources: records emitted). */
  readonly operators: readonly OperatorMetrics[];
  /** Uids of the job's collect sinks. */
  readonly collections: readonly string[];
  /** Records of the collect sink with this uid (see `DataStream.collect`). */
  collected<T = unknown>(uid: string): T[];
  /** Checkpoint statistics at the end. */
  readonly checkpoints: CheckpointStatsSnapshot;
}

/** Listeners a job client calls. */
export interface JobListeners {
  /** About four times a second while the job runs. */
  progress: (progress: JobProgress) => void;
  /** Every lifecycle transition (running, failing, restarting, finished, ...). */
  status: (from: JobStatus, to: JobStatus, cause: Error | undefined) => void;
  /** Every completed checkpoint or savepoint. */
  checkpoint: (checkpoint: CompletedCheckpoint) => void;
  /**
   * An attempt starts from a checkpoint: every restart, with the checkpoint it restores (undefined:
   * none had completed, it starts from scratch), and a resumed job's first attempt.
   */
  restored: (checkpoint: CompletedCheckpoint | undefined, attempt: number) => void;
  /**
   * That restore is complete: every subtask read and checked its state and records flow again
   * (keyed state is decoded lazily afterwards), with how long it took.
   */
  recovered: (recovery: JobRecovery) => void;
  /**
   * Every failure of an attempt: its cause, the operator and subtask it came from, and the restart
   * that follows (`restart` undefined: the job fails for good). Call `cancel()` here to stop a job
   * that keeps failing; or cap restarts with a restart strategy (`docs/restart.md`).
   */
  failure: (failure: JobFailure) => void;
}

/** A listener for progress reports. */
export type ProgressListener = JobListeners['progress'];

type ListenerSets = { [E in keyof JobListeners]: Set<JobListeners[E]> };

export class JobClient {
  /** The job's name. */
  readonly jobName: string;
  /** Uids of the job's source operators (their counts are the records read). */
  readonly sourceUids: readonly string[];
  /** Settles when the job has ended and every worker thread is gone. */
  readonly result: Promise<JobResult>;
  /** The job's id: 32 hexadecimal digits, random per start (Flink's JobID); names it in the REST API. */
  readonly jobId: string = randomHex(16);
  /** The job's dashboard or metrics server, when it was started with one (`dashboard` option). */
  dashboard: DashboardHandle | undefined;
  readonly #master: JobMaster;
  readonly #plan: JobPlan;
  readonly #configuration: JobConfiguration;
  readonly #listeners: ListenerSets = {
    progress: new Set(),
    status: new Set(),
    checkpoint: new Set(),
    restored: new Set(),
    recovered: new Set(),
    failure: new Set(),
  };

  /** Why the job's signal aborted it, once it did. */
  #abortReason: { readonly reason: unknown } | undefined;

  /** @internal Use `env.executeAsync()` or `startJob()`. */
  constructor(init: {
    jobName: string;
    sourceUids: readonly string[];
    master: JobMaster;
    collections: ReadonlyMap<string, unknown[]>;
    signal?: AbortSignal | undefined;
    plan: JobPlan;
    configuration: JobConfiguration;
  }) {
    this.jobName = init.jobName;
    this.#plan = init.plan;
    this.#configuration = init.configuration;
    this.sourceUids = init.sourceUids;
    this.#master = init.master;
    const stopListening = onAbort(init.signal, (reason) => {
      this.#abortReason = { reason };
      this.#master.cancel();
    });
    this.result = this.#run(init.collections);
    this.result.then(stopListening, stopListening);
    // The caller may only look at `result` later; never report an unhandled rejection for it.
    this.result.catch(() => {});
  }

  /** @internal Forwards the job master's events to listeners. */
  emit<E extends keyof JobListeners>(event: E, ...args: Parameters<JobListeners[E]>): void {
    for (const listener of this.#listeners[event])
      (listener as (...a: Parameters<JobListeners[E]>) => void)(...args);
  }

  /** The job's current status. */
  get status(): JobStatus {
    return this.#master.status;
  }

  /** Current per-operator counts. */
  progress(): JobProgress {
    return this.#master.progress();
  }

  /** The job's physical plan: vertices (chains of operators) with their parallelism, and edges. */
  plan(): JobPlan {
    return this.#plan;
  }

  /** What the job runs with: environment options, checkpointing and restart, every default filled in. */
  configuration(): JobConfiguration {
    return this.#configuration;
  }

  /**
   * The current attempt's subtasks with their latest counters: records in and out, and running,
   * idle and back-pressured time (busy time is the rest), as each subtask last reported them.
   */
  subtaskMetrics(): readonly SubtaskMetrics[] {
    return this.#master.subtaskMetrics();
  }

  /** Calls `listener` on `event` until the job ends; returns a function that removes it. */
  on<E extends keyof JobListeners>(event: E, listener: JobListeners[E]): () => void {
    const set = this.#listeners[event] as Set<JobListeners[E]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Shorthand for `on('progress', listener)`. */
  onProgress(listener: ProgressListener): () => void {
    return this.on('progress', listener);
  }

  /** Takes a checkpoint now and resolves with its outcome (`completed` or `failed`, never a rejection). */
  triggerCheckpoint(): Promise<CheckpointOutcome> {
    return this.#master.triggerCheckpoint({});
  }

  /**
   * Takes a savepoint (always aligned, never deleted by retention) into `targetDir`, or into the
   * checkpoint storage when omitted, and resolves with its outcome.
   */
  triggerSavepoint(targetDir?: string): Promise<CheckpointOutcome> {
    if (targetDir !== undefined && (typeof targetDir !== 'string' || targetDir.length === 0)) {
      return Promise.reject(new InvalidOptionError('targetDir', 'a non-empty directory path', targetDir));
    }
    const request: TriggerRequest =
      targetDir === undefined ? { savepoint: true } : { savepoint: true, targetDir };
    return this.#master.triggerCheckpoint(request);
  }

  /**
   * Takes a savepoint and, once it completed, stops the job (Flink's stop-with-savepoint): the job
   * ends as `finished`, and `result` resolves with what it produced up to the savepoint (collected
   * records included). Resolves with the savepoint's outcome once every thread is gone; when the
   * savepoint failed, the job keeps running.
   */
  async stopWithSavepoint(targetDir?: string): Promise<CheckpointOutcome> {
    if (targetDir !== undefined && (typeof targetDir !== 'string' || targetDir.length === 0)) {
      throw new InvalidOptionError('targetDir', 'a non-empty directory path', targetDir);
    }
    const outcome = await this.#master.stopWithSavepoint(targetDir === undefined ? {} : { targetDir });
    if (outcome.status === 'completed') await this.result.catch(() => {});
    return outcome;
  }

  /** Checkpoint statistics: counts, latest completed, history, percentiles. */
  checkpointStats(): CheckpointStatsSnapshot {
    return this.#master.checkpointStats();
  }

  /**
   * Cancels the job and waits until every thread is gone. The result then rejects with a
   * JobCancelledError (code ERR_JOB_CANCELLED).
   */
  async cancel(): Promise<void> {
    this.#master.cancel();
    await this.result.catch(() => {});
  }

  async #run(collections: ReadonlyMap<string, unknown[]>): Promise<JobResult> {
    const outcome = await this.#master.run();
    this.emit('progress', outcome.progress);
    if (outcome.status === 'failed') throw outcome.error;
    if (outcome.status === 'cancelled')
      throw this.#abortReason
        ? new JobAbortedError(this.jobName, this.#abortReason.reason)
        : new JobCancelledError(this.jobName);
    const checkpoints = this.#master.checkpointStats();
    const jobName = this.jobName;
    return {
      jobName,
      durationMs: outcome.progress.elapsedMs,
      attempts: outcome.progress.attempt,
      operators: outcome.progress.operators,
      collections: [...collections.keys()],
      checkpoints,
      collected: <T>(uid: string): T[] => {
        const records = collections.get(uid);
        if (!records) throw new RangeError(`no collect sink with uid "${uid}" in job "${jobName}"`);
        return records as T[];
      },
    };
  }
}
