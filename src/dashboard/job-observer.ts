/**
 * Watches one job for a dashboard: samples its subtasks' counters once a second into Flink's task
 * metrics (rates over the subtasks' own running time), and keeps what the job's events say and its
 * statistics forget: every failure with the restart decision that followed and the checkpoint the
 * next attempt restored, and the series of completed checkpoints for the chart. Listeners hear of
 * every sample and every event (the server pushes them to pages).
 *
 * Time is injected (`timers` for the sampling, `now` for timestamps), so tests drive it without
 * sleeping. The sampling timer is unref'd and stops when the job ends (after a last sample).
 * Thread: the main thread.
 */
import type { CheckpointStatsRecord } from '../checkpoint/stats.ts';
import type { CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage.ts';
import type { JobFailure, JobRecovery } from '../runtime/job-events.ts';
import type { SubtaskCounters } from '../runtime/protocol.ts';
import { type Cancel, every, type Scheduler, timerScheduler } from '../util/scheduler.ts';
import type { ObservedJob } from './observed-job.ts';
import { type TaskMetrics, taskMetrics } from './subtask-rates.ts';

/** One failure of the job, with what followed it. */
export interface ExceptionEntry {
  /** When it was reported, ms since the epoch. */
  readonly timestamp: number;
  readonly attempt: number;
  readonly exceptionName: string;
  readonly message: string;
  readonly code: string | undefined;
  readonly stacktrace: string;
  readonly operator: { readonly name: string; readonly uid: string } | undefined;
  readonly subtask: number | undefined;
  /** The restart strategy's decision: restart after `delayMs` as `attempt`, or fail (undefined). */
  readonly restart: { readonly delayMs: number; readonly attempt: number } | undefined;
  /** The checkpoint the next attempt restored (`null`: none, it started from scratch). */
  restored?: { readonly checkpointId: number; readonly pointer: string; readonly savepoint: boolean } | null;
  /** When that restore completed. */
  recovery?: { readonly restoreMs: number; readonly downtimeMs: number | undefined };
}

/** A point of the checkpoint chart. */
export interface CheckpointPoint {
  readonly checkpointId: number;
  readonly savepoint: boolean;
  /** Trigger time, ms since the epoch. */
  readonly triggerTimestamp: number;
  readonly durationMs: number;
  readonly stateBytes: number;
  readonly checkpointedBytes: number;
}

/** An attempt that started from a checkpoint (or from scratch: `checkpoint` undefined). */
export interface RestoreEntry {
  readonly checkpoint: CompletedCheckpoint | undefined;
  readonly attempt: number;
  /** When it started, ms since the epoch. */
  readonly timestamp: number;
}

/** One sampled subtask. */
export interface SampledSubtask {
  readonly vertexId: string;
  readonly subtask: number;
  readonly state: string;
  readonly metrics: TaskMetrics;
}

export interface JobObserverOptions {
  /** Timers for the sampling; default the process's, unref'd. */
  readonly timers?: Scheduler;
  /** Wall-clock time for timestamps; default `Date.now`. */
  readonly now?: () => number;
  /** Sampling interval, ms; default 1000 (Flink's metric views update once a second). */
  readonly sampleIntervalMs?: number;
}

/** Checkpoints kept for the history table and the chart. */
const KEPT_CHECKPOINTS = 500;
/** Failures kept. */
const KEPT_EXCEPTIONS = 100;

type Update = 'sample' | 'status' | 'checkpoint' | 'failure' | 'restored' | 'recovered' | 'ended';

export class JobObserver {
  readonly job: ObservedJob;
  /** When the observer started, ms since the epoch (the job's start, near enough). */
  readonly startTime: number;
  readonly #now: () => number;
  readonly #listeners = new Set<(update: Update) => void>();
  readonly #stops: Cancel[] = [];
  readonly #exceptions: ExceptionEntry[] = [];
  #truncated = false;
  readonly #checkpoints = new Map<number, CheckpointStatsRecord>();
  readonly #points: CheckpointPoint[] = [];
  #restored: RestoreEntry | undefined;
  #restoredCount = 0;
  #sampled: SampledSubtask[] = [];
  readonly #previous = new Map<string, { attempt: number; counters: SubtaskCounters }>();
  #ended: number | undefined;
  /** Resolves after the last sample, once the job ended. */
  readonly ended: Promise<void>;

  constructor(job: ObservedJob, options: JobObserverOptions = {}) {
    this.job = job;
    this.#now = options.now ?? Date.now;
    this.startTime = this.#now();
    this.#stops.push(
      job.on('status', () => this.#emit('status')),
      job.on('failure', (failure) => this.#onFailure(failure)),
      job.on('restored', (checkpoint, attempt) => this.#onRestored(checkpoint, attempt)),
      job.on('recovered', (recovery) => this.#onRecovered(recovery)),
      job.on('checkpoint', () => {
        this.#collectCheckpoints();
        this.#emit('checkpoint');
      }),
      every(options.timers ?? timerScheduler, options.sampleIntervalMs ?? 1000, () => this.sample()),
    );
    const end = (): void => {
      for (const stop of this.#stops.splice(0)) stop();
      this.sample();
      this.#ended = this.#now();
      this.#emit('ended');
    };
    this.ended = job.result.then(end, end);
  }

  /** Calls `listener` after every sample and job event; returns a function that removes it. */
  onUpdate(listener: (update: Update) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** When the job ended (ms since the epoch), once it did. */
  get endTime(): number | undefined {
    return this.#ended;
  }

  /** Reads every subtask's counters now and computes their rates since the last sample. */
  sample(): void {
    const job = this.job;
    const attempt = job.progress().attempt;
    const sources = new Set(
      job
        .plan()
        .vertices.filter((v) => v.operators[0]?.role === 'source')
        .map((v) => v.id),
    );
    this.#sampled = job.subtaskMetrics().map(({ vertexId, subtask, state, counters }) => {
      const key = `${vertexId}#${subtask}`;
      const previous = this.#previous.get(key);
      const sameRun =
        previous !== undefined &&
        previous.attempt === attempt &&
        (previous.counters.time?.runningMs ?? 0) <= (counters.time?.runningMs ?? 0);
      const metrics = taskMetrics(counters, sameRun ? previous.counters : undefined, sources.has(vertexId));
      // A report that did not move keeps the last rates: sampling faster than reports arrive
      // must not show zeros in between.
      const moved = !sameRun || previous.counters.time?.runningMs !== counters.time?.runningMs;
      if (moved) this.#previous.set(key, { attempt, counters });
      const kept = this.#sampled.find((s) => s.vertexId === vertexId && s.subtask === subtask);
      return { vertexId, subtask, state, metrics: moved || kept === undefined ? metrics : kept.metrics };
    });
    this.#collectCheckpoints();
    this.#emit('sample');
  }

  /** The subtasks as last sampled. */
  subtasks(): readonly SampledSubtask[] {
    return this.#sampled;
  }

  /** Failures, oldest first (the last {@link KEPT_EXCEPTIONS}), and whether older ones were dropped. */
  exceptions(): { readonly entries: readonly ExceptionEntry[]; readonly truncated: boolean } {
    return { entries: this.#exceptions, truncated: this.#truncated };
  }

  /** Checkpoints seen, newest first, with their latest statistics. */
  checkpointHistory(): readonly CheckpointStatsRecord[] {
    return [...this.#checkpoints.values()].sort((a, b) => b.checkpointId - a.checkpointId);
  }

  /** Completed checkpoints in completion order, for the chart. */
  checkpointPoints(): readonly CheckpointPoint[] {
    return this.#points;
  }

  /** The latest restore (Flink's `latest.restored`) and how many attempts restored. */
  restored(): { readonly latest: RestoreEntry | undefined; readonly count: number } {
    return { latest: this.#restored, count: this.#restoredCount };
  }

  #collectCheckpoints(): void {
    const stats = this.job.checkpointStats();
    for (const record of [...stats.history].reverse()) {
      const known = this.#checkpoints.get(record.checkpointId);
      this.#checkpoints.set(record.checkpointId, record);
      if (record.status === 'completed' && known?.status !== 'completed') {
        this.#points.push({
          checkpointId: record.checkpointId,
          savepoint: record.savepoint,
          triggerTimestamp: record.triggerTimestamp,
          durationMs: record.durationMs,
          stateBytes: record.stateBytes,
          checkpointedBytes: record.checkpointedBytes,
        });
        if (this.#points.length > KEPT_CHECKPOINTS) this.#points.shift();
      }
    }
    if (this.#checkpoints.size > KEPT_CHECKPOINTS) {
      const oldest = Math.min(...this.#checkpoints.keys());
      this.#checkpoints.delete(oldest);
    }
  }

  #onFailure(failure: JobFailure): void {
    const { error } = failure;
    const code = (error as { code?: unknown }).code;
    this.#exceptions.push({
      timestamp: this.#now(),
      attempt: failure.attempt,
      exceptionName: error.name,
      message: error.message,
      code: typeof code === 'string' ? code : undefined,
      stacktrace: stackOf(error),
      operator: failure.operator,
      subtask: failure.subtask,
      restart: failure.restart,
    });
    if (this.#exceptions.length > KEPT_EXCEPTIONS) {
      this.#exceptions.shift();
      this.#truncated = true;
    }
    this.#emit('failure');
  }

  #onRestored(checkpoint: CompletedCheckpoint | undefined, attempt: number): void {
    this.#restored = { checkpoint, attempt, timestamp: this.#now() };
    if (checkpoint !== undefined) this.#restoredCount++;
    const entry = this.#exceptions.findLast((e) => e.restart?.attempt === attempt);
    if (entry !== undefined)
      entry.restored =
        checkpoint === undefined
          ? null
          : {
              checkpointId: checkpoint.checkpointId,
              pointer: checkpoint.pointer,
              savepoint: checkpoint.savepoint,
            };
    this.#emit('restored');
  }

  #onRecovered(recovery: JobRecovery): void {
    const entry = this.#exceptions.findLast((e) => e.restart?.attempt === recovery.attempt);
    if (entry !== undefined)
      entry.recovery = { restoreMs: recovery.restoreMs, downtimeMs: recovery.downtimeMs };
    this.#emit('recovered');
  }

  #emit(update: Update): void {
    for (const listener of this.#listeners) listener(update);
  }
}

/** The error's stack with its causes, as Flink shows a stack trace. */
function stackOf(error: Error): string {
  const lines = [error.stack ?? `${error.name}: ${error.message}`];
  let cause = error.cause;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause)
    lines.push(`Caused by: ${cause.stack ?? `${cause.name}: ${cause.message}`}`);
  return lines.join('\n');
}
