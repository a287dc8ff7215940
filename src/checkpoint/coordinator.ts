/**
 * The checkpoint coordinator (main thread): decides when to trigger (through the pure
 * {@link CheckpointRequestDecider}, on an injected clock and scheduler), triggers the sources
 * through the {@link CheckpointGateway}, collects acknowledgements, and ends every checkpoint
 * exactly once: completed, or failed with a reason.
 *
 * Completion order, the heart of exactly-once: when the last task acknowledges, the metadata is
 * written (last, atomically: the commit point); only then are older pending checkpoints subsumed
 * and the tasks notified of completion; then retention deletes what is no longer needed. Commits
 * run one at a time, in the order checkpoints became fully acknowledged. An abort that arrives
 * while a commit is being written takes effect when the write ends (the checkpoint is deleted
 * again), so after `abortAll` nothing that was pending is ever reported complete.
 *
 * Lifecycle: `stopped` (manual triggers only) ⇄ `running` (periodic triggers too) → `shut-down`.
 *
 * Thread: the main thread only; every method is synchronous except the awaited outcome of a
 * manual trigger, `settled` and `shutdown`.
 */
import { InvalidOptionError, toError, WeirError } from '../errors.ts';
import { type Clock, systemClock } from '../util/clock.ts';
import { type Cancel, type Scheduler, timerScheduler } from '../util/scheduler.ts';
import { CheckpointCommitter } from './checkpoint-committer.ts';
import type { CheckpointGateway } from './checkpoint-gateway.ts';
import { CheckpointIdCounter } from './checkpoint-id-counter.ts';
import { problemWithAck, type ResolvedVertex, resolveVertices, tasksOf } from './checkpoint-plan.ts';
import { CompletedCheckpointStore } from './completed-checkpoint-store.ts';
import { type CheckpointConfig, resolveCheckpointConfig } from './config.ts';
import {
  type CheckpointCoordinatorOptions,
  resolveTriggerRequest,
  type TriggerRequest,
} from './coordinator-options.ts';
import { CheckpointFailedError } from './errors.ts';
import { CheckpointFailureManager } from './failure-manager.ts';
import { type CheckpointFailureReason, DECLINE_FAILURE_REASONS } from './failure-reason.ts';
import {
  type CheckpointAck,
  type CheckpointDecline,
  declineCause,
  isTaskId,
  type TaskId,
} from './messages.ts';
import { buildMetadata } from './metadata-builder.ts';
import {
  type AcknowledgeResult,
  type CheckpointOutcome,
  type CheckpointProperties,
  failedOutcome,
  PendingCheckpoint,
} from './pending-checkpoint.ts';
import { CheckpointRequestDecider } from './request-decider.ts';
import { type CheckpointStatsSnapshot, CheckpointStatsTracker } from './stats.ts';
import type { CheckpointStorage, CompletedCheckpoint } from './storage/checkpoint-storage.ts';
import { checkpointedBytesOf } from './storage/metadata.ts';
import { TriggerPacer } from './trigger-pacer.ts';

/** The coordinator's lifecycle state. */
export type CoordinatorState = 'stopped' | 'running' | 'shut-down';

/** Drives checkpoints for one job. */
export class CheckpointCoordinator {
  readonly #jobId: string;
  readonly #config: CheckpointConfig;
  readonly #vertices: ReadonlyMap<string, ResolvedVertex>;
  readonly #vertexList: readonly ResolvedVertex[];
  readonly #tasks: readonly TaskId[];
  readonly #storage: CheckpointStorage;
  readonly #gateway: CheckpointGateway;
  readonly #clock: Clock;
  readonly #epoch: Clock;
  readonly #scheduler: Scheduler;
  readonly #onBackgroundError: (error: Error) => void;
  readonly #pacer: TriggerPacer;
  readonly #committer: CheckpointCommitter;
  readonly #ids: CheckpointIdCounter;
  readonly #failures: CheckpointFailureManager;
  readonly #store: CompletedCheckpointStore;
  readonly #stats: CheckpointStatsTracker;

  #state: CoordinatorState = 'stopped';
  readonly #pending = new Map<number, PendingCheckpoint>();
  /** Recently ended checkpoints and how, to tell late messages from unknown ones (bounded). */
  readonly #ended = new Map<number, 'completed' | 'aborted'>();
  readonly #timeouts = new Map<number, Cancel>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(options: CheckpointCoordinatorOptions) {
    if (typeof options.jobId !== 'string' || options.jobId.length === 0)
      throw new InvalidOptionError('jobId', 'a non-empty string', options.jobId);
    const vertices = resolveVertices(options.vertices);
    this.#jobId = options.jobId;
    this.#config = resolveCheckpointConfig(options.config);
    this.#vertices = new Map(vertices.map((v) => [v.vertexId, v]));
    this.#vertexList = vertices;
    this.#tasks = tasksOf(vertices);
    this.#storage = options.storage;
    this.#gateway = options.gateway;
    this.#clock = options.clock ?? systemClock;
    this.#epoch = options.epochClock ?? { now: () => Date.now() };
    this.#scheduler = options.scheduler ?? timerScheduler;
    this.#onBackgroundError = options.onBackgroundError ?? ((error) => process.emitWarning(error));
    this.#pacer = new TriggerPacer(
      new CheckpointRequestDecider(this.#config, this.#clock),
      this.#clock,
      this.#scheduler,
      { pendingCount: () => this.#pending.size, trigger: (properties) => this.#trigger(properties) },
    );
    this.#ids = new CheckpointIdCounter(options.firstCheckpointId);
    this.#committer = new CheckpointCommitter(this.#storage, (e) => this.#onBackgroundError(toError(e)));
    this.#failures = new CheckpointFailureManager(this.#config.tolerableFailures);
    this.#store = new CompletedCheckpointStore(this.#config.retained, {
      incremental: this.#config.incremental,
    });
    this.#stats = new CheckpointStatsTracker(options.stats);
  }

  get state(): CoordinatorState {
    return this.#state;
  }

  /** Ids of the checkpoints in progress (including those being committed), oldest first. */
  pendingCheckpointIds(): number[] {
    return [...this.#pending.keys()].sort((a, b) => a - b);
  }

  /** The newest completed checkpoint or savepoint this coordinator took: what to restore from. */
  latestCompleted(): CompletedCheckpoint | undefined {
    return this.#store.latest();
  }

  /** Checkpoint statistics, as plain data. */
  stats(): CheckpointStatsSnapshot {
    return this.#stats.snapshot();
  }

  /** Starts periodic checkpoints (if an interval is configured); the first is due one interval from now. */
  start(): void {
    if (this.#state === 'shut-down')
      throw new WeirError(
        'ERR_ILLEGAL_STATE_TRANSITION',
        'internal',
        'a shut-down checkpoint coordinator cannot start',
      );
    if (this.#state === 'running') return;
    this.#state = 'running';
    this.#pacer.startPeriodic();
    this.#afterChange();
  }

  /** Stops periodic checkpoints; checkpoints in progress go on, manual triggers still work. */
  stop(): void {
    if (this.#state !== 'running') return;
    this.#state = 'stopped';
    this.#pacer.stopPeriodic();
    this.#afterChange();
  }

  /**
   * Requests a checkpoint (or savepoint) and resolves with how it ended; never rejects for a failed
   * checkpoint, only for invalid arguments. Queued while `maxConcurrent` checkpoints are in progress.
   */
  triggerCheckpoint(request: TriggerRequest = {}): Promise<CheckpointOutcome> {
    let properties: CheckpointProperties;
    try {
      properties = resolveTriggerRequest(request);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === 'shut-down') return Promise.resolve(failedOutcome('job-shutdown'));
    const outcome = this.#pacer.request(properties);
    if (outcome === false) return Promise.resolve(failedOutcome('too-many-requests'));
    this.#afterChange();
    return outcome;
  }

  /** Takes a subtask's acknowledgement; never throws. */
  acknowledge(ack: CheckpointAck): AcknowledgeResult {
    if (!isTaskId(ack?.task)) return 'unknown';
    const pending = this.#pending.get(ack.checkpointId);
    if (pending === undefined) return this.#lateMessage(ack.checkpointId);
    if (!pending.involves(ack.task)) return 'unknown';
    if (pending.status !== 'collecting') return 'discarded';
    const vertex = this.#vertices.get(ack.task.vertexId)!;
    const problem = problemWithAck(ack, vertex);
    if (problem !== undefined) {
      const cause = new WeirError('ERR_INTERNAL', 'internal', `invalid acknowledgement: ${problem}`);
      this.#abort(pending, 'declined', { cause });
      this.#afterChange();
      return 'discarded';
    }
    const result = pending.acknowledge(ack);
    if (result === 'success') {
      this.#stats.reportAcknowledged(ack, this.#clock.now());
      if (pending.isFullyAcknowledged) this.#commit(pending);
    }
    return result;
  }

  /** Takes a subtask's decline: the checkpoint is aborted. Never throws. */
  decline(decline: CheckpointDecline): 'aborted' | 'discarded' | 'unknown' {
    if (!isTaskId(decline?.task)) return 'unknown';
    const pending = this.#pending.get(decline.checkpointId);
    if (pending === undefined)
      return this.#lateMessage(decline.checkpointId) === 'unknown' ? 'unknown' : 'discarded';
    if (!pending.involves(decline.task)) return 'unknown';
    if (pending.status !== 'collecting') return 'discarded';
    const reason = DECLINE_FAILURE_REASONS[decline.reason] ?? 'declined';
    const { classification } = decline.error ?? {};
    const cause = declineCause(decline);
    this.#abort(pending, reason, classification === undefined ? { cause } : { cause, classification });
    this.#afterChange();
    return 'aborted';
  }

  /**
   * A task failed: every checkpoint it takes part in is aborted and queued requests are refused
   * (`task-failure`); the job is about to restart, so nothing could complete. Call {@link stop}
   * for the restart and {@link start} once the tasks run again.
   */
  failTask(task: TaskId, error: unknown): void {
    for (const pending of [...this.#pending.values()])
      if (pending.involves(task)) this.#abort(pending, 'task-failure', { cause: error });
    this.#pacer.refuseQueued(() => failedOutcome('task-failure', error));
    this.#afterChange();
  }

  /**
   * Aborts every checkpoint in progress and every queued request (job failure, restart, stop).
   * Nothing pending now will ever be reported complete.
   */
  abortAll(reason: 'task-failure' | 'coordinator-suspended' | 'job-shutdown', cause?: unknown): void {
    const details = cause === undefined ? {} : { cause };
    for (const pending of [...this.#pending.values()]) this.#abort(pending, reason, details);
    this.#pacer.refuseQueued(() => failedOutcome(reason, cause));
    this.#afterChange();
  }

  /** Resolves once no storage work (commits, deletions) is in flight. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Stops for good: aborts everything (`job-shutdown`) and waits for storage work to end. */
  async shutdown(): Promise<void> {
    this.stop();
    this.#state = 'shut-down';
    this.#pacer.close();
    this.abortAll('job-shutdown');
    await this.settled();
  }

  #afterChange(): void {
    this.#releaseRetired();
    this.#pacer.poke();
  }

  #trigger(properties: CheckpointProperties): PendingCheckpoint {
    const id = this.#ids.next();
    const timestamp = this.#epoch.now();
    const at = this.#clock.now();
    const pending = new PendingCheckpoint(id, timestamp, at, this.#tasks, properties);
    this.#pending.set(id, pending);
    this.#stats.reportTriggered(id, properties.savepoint, timestamp, at, this.#tasks.length);
    this.#timeouts.set(
      id,
      this.#scheduler.schedule(this.#config.timeoutMs, () => this.#expire(pending)),
    );
    const { mode, unaligned } = this.#config;
    try {
      this.#gateway.triggerSources(id, timestamp, {
        savepoint: properties.savepoint,
        unaligned: unaligned && !properties.savepoint,
        mode,
      });
    } catch (error) {
      this.#abort(pending, 'trigger-failed', { cause: error });
    }
    return pending;
  }

  #expire(pending: PendingCheckpoint): void {
    if (pending.status !== 'collecting') return;
    const missing = pending.awaitingTasks();
    const more = missing.length > 5 ? `, … (${missing.length} in all)` : '';
    const shown = missing.slice(0, 5).join(', ') + more;
    const detail = `not acknowledged by ${shown} within ${this.#config.timeoutMs} ms (timeoutMs)`;
    this.#abort(pending, 'expired', { detail });
    this.#afterChange();
  }

  #abort(
    pending: PendingCheckpoint,
    reason: CheckpointFailureReason,
    options: ConstructorParameters<typeof CheckpointFailedError>[2] = {},
  ): void {
    const error = new CheckpointFailedError(pending.checkpointId, reason, options);
    if (pending.abort(reason, error) === 'aborted') this.#onFailed(pending, error, true);
  }

  /** Bookkeeping once `pending` has ended as failed; `discardState` deletes what its tasks wrote. */
  #onFailed(pending: PendingCheckpoint, error: CheckpointFailedError, discardState: boolean): void {
    const id = pending.checkpointId;
    this.#forget(pending, 'aborted');
    this.#stats.reportFailed(id, this.#clock.now(), error.reason, error.message);
    this.#notify(() => this.#gateway.notifyAborted(id, error.reason));
    if (discardState) this.#background(this.#storage.discardPending(id));
    const verdict = this.#failures.onFailure(error, pending.properties.savepoint);
    if (verdict.kind === 'exceeded') this.#gateway.failJob(verdict.error);
  }

  #commit(pending: PendingCheckpoint): void {
    pending.startFinalizing();
    this.#timeouts.get(pending.checkpointId)?.();
    const metadata = buildMetadata(pending, {
      jobId: this.#jobId,
      mode: this.#config.mode,
      vertices: this.#vertexList,
      completedAt: this.#epoch.now(),
    });
    const { targetDir } = pending.properties;
    const done = this.#committer.commit(
      pending,
      metadata,
      targetDir === undefined ? {} : { targetDir },
      (result) => {
        if (result.kind === 'completed') return this.#onCompleted(pending, result.checkpoint);
        pending.failFinalization(result.reason, result.error);
        this.#onFailed(pending, result.error, result.discardState);
        this.#afterChange();
      },
    );
    this.#track(done);
  }

  #onCompleted(pending: PendingCheckpoint, checkpoint: CompletedCheckpoint): void {
    const id = pending.checkpointId;
    pending.complete(checkpoint);
    this.#forget(pending, 'completed');
    this.#failures.onSuccess();
    this.#stats.reportCompleted(
      id,
      this.#clock.now(),
      checkpoint.pointer,
      checkpoint.stateBytes,
      checkpointedBytesOf(checkpoint.metadata),
    );
    this.#store.add(checkpoint);
    for (const older of [...this.#pending.values()])
      if (older.checkpointId < id) this.#abort(older, 'subsumed');
    this.#notify(() => this.#gateway.notifyComplete(id));
    this.#afterChange();
  }

  /** Removes an ended checkpoint from the books. */
  #forget(pending: PendingCheckpoint, how: 'completed' | 'aborted'): void {
    const id = pending.checkpointId;
    this.#pending.delete(id);
    this.#timeouts.get(id)?.();
    this.#timeouts.delete(id);
    this.#pacer.checkpointEnded();
    this.#ended.set(id, how);
    if (this.#ended.size > 64) this.#ended.delete(this.#ended.keys().next().value!);
  }

  #lateMessage(checkpointId: number): AcknowledgeResult {
    const how = this.#ended.get(checkpointId);
    if (how === undefined) return checkpointId < this.#ids.peek() ? 'discarded' : 'unknown';
    // An aborted checkpoint's directory may have been re-created by a late writer: delete it again.
    if (how === 'aborted') this.#background(this.#storage.discardPending(checkpointId));
    return 'discarded';
  }

  /** Deletes retired checkpoints that neither retained nor pending checkpoints need any more. */
  #releaseRetired(): void {
    const pinned = new Set<number>();
    for (const pending of this.#pending.values())
      for (const id of pending.referencedCheckpoints()) pinned.add(id);
    for (const checkpoint of this.#store.takeReleasable(pinned))
      this.#background(this.#storage.discard(checkpoint));
  }

  #notify(send: () => void): void {
    try {
      send();
    } catch (cause) {
      this.#gateway.failJob(
        new WeirError('ERR_INTERNAL', 'internal', 'a checkpoint notification could not be sent', { cause }),
      );
    }
  }

  #background(work: Promise<unknown>): void {
    this.#track(work.catch((e: unknown) => this.#onBackgroundError(toError(e))));
  }

  #track(work: Promise<unknown>): void {
    this.#inFlight.add(work);
    const done = (): void => void this.#inFlight.delete(work);
    work.then(done, done);
  }
}
