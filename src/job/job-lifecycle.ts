/**
 * The lifecycle of one job as an explicit state machine: its current {@link JobStatus}, the time
 * each status was last entered, the last failure cause, and `status` events for observers (the job
 * client, metrics, logs). Moves are checked against {@link JOB_STATUS_TRANSITIONS}; an illegal one
 * throws {@link IllegalStateTransitionError} and changes nothing.
 *
 * The job master drives it; callers that act on a user's request (cancel a job that may already
 * have finished) check {@link JobLifecycle.canTransitionTo} first, because there an illegal move is
 * an expected outcome, not a bug.
 *
 * Events are delivered synchronously, in transition order, even when a listener itself moves the
 * job on: a transition made from inside a listener takes effect at once but its event is queued
 * until the current event has reached every listener.
 *
 * Thread: the job master's (main) thread.
 */
import type { Clock } from '../util/clock.ts';
import { IllegalStateTransitionError } from './errors.ts';
import { canTransition, isTerminalStatus, type JobStatus } from './job-status.ts';
import { type ListenerErrorReporter, rethrowAsync, TypedEmitter } from './typed-emitter.ts';

/** Listener of status changes; `cause` is set for moves into `failing` and `failed`. */
export type JobStatusListener = (from: JobStatus, to: JobStatus, cause?: Error) => void;

/** Events of a {@link JobLifecycle}. */
export type JobLifecycleEvents = {
  readonly status: JobStatusListener;
};

/** Options of a {@link JobLifecycle}. */
export interface JobLifecycleOptions {
  /** Source of the status timestamps; default wall-clock ms since the epoch (`Date.now()`). */
  readonly clock?: Clock;
  /** Receives errors thrown by listeners; default: rethrown on a later microtask. */
  readonly onListenerError?: ListenerErrorReporter;
}

/** Statuses whose entry must say why. */
type FailureStatus = 'failing' | 'failed';

const wallClock: Clock = { now: () => Date.now() };

/** The status of one job over its life. */
export class JobLifecycle {
  readonly #clock: Clock;
  readonly #emitter: TypedEmitter<JobLifecycleEvents>;
  readonly #timestamps = new Map<JobStatus, number>();
  readonly #pending: Array<[JobStatus, JobStatus, Error | undefined]> = [];
  #emitting = false;
  #status: JobStatus = 'created';
  #failureCause: Error | undefined;
  #restarts = 0;
  #terminal: Promise<JobStatus> | undefined;
  #resolveTerminal: ((status: JobStatus) => void) | undefined;

  constructor(options: JobLifecycleOptions = {}) {
    this.#clock = options.clock ?? wallClock;
    this.#emitter = new TypedEmitter(options.onListenerError ?? rethrowAsync);
    this.#timestamps.set('created', this.#clock.now());
  }

  /** The current status. */
  get status(): JobStatus {
    return this.#status;
  }

  /** Whether the job has reached `finished`, `failed` or `cancelled`. */
  get terminal(): boolean {
    return isTerminalStatus(this.#status);
  }

  /** The cause given with the last move into `failing` or `failed`, if any. */
  get failureCause(): Error | undefined {
    return this.#failureCause;
  }

  /** How many times the job went from `restarting` back to `running`. */
  get restarts(): number {
    return this.#restarts;
  }

  /** When `status` was last entered (on the lifecycle's clock), or undefined if never. */
  timestampOf(status: JobStatus): number | undefined {
    return this.#timestamps.get(status);
  }

  /** Every status entered so far with the time it was last entered, in first-entry order. */
  get timestamps(): ReadonlyMap<JobStatus, number> {
    return this.#timestamps;
  }

  /** Whether moving to `to` now is legal. */
  canTransitionTo(to: JobStatus): boolean {
    return canTransition(this.#status, to);
  }

  /**
   * Moves to `to`; throws {@link IllegalStateTransitionError} (`ERR_ILLEGAL_STATE_TRANSITION`) if
   * the table does not allow it, changing nothing. Moves into `failing` and `failed` need a cause.
   */
  transition(to: FailureStatus, cause: Error): void;
  transition(to: Exclude<JobStatus, FailureStatus>, cause?: Error): void;
  transition(to: JobStatus, cause?: Error): void {
    const from = this.#status;
    if (!canTransition(from, to)) throw new IllegalStateTransitionError('job status', from, to);
    this.#status = to;
    this.#timestamps.set(to, this.#clock.now());
    if (to === 'failing' || to === 'failed') this.#failureCause = cause;
    if (from === 'restarting' && to === 'running') this.#restarts++;
    if (isTerminalStatus(to)) this.#resolveTerminal?.(to);
    this.#pending.push([from, to, cause]);
    this.#deliver();
  }

  /** Adds a listener of status changes; returns a function that removes it. */
  on(event: 'status', listener: JobStatusListener): () => void {
    return this.#emitter.on(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off(event: 'status', listener: JobStatusListener): void {
    this.#emitter.off(event, listener);
  }

  /** Resolves with the terminal status once the job reaches one (at once if it already has). */
  whenTerminal(): Promise<JobStatus> {
    if (this.#terminal === undefined) {
      this.#terminal = this.terminal
        ? Promise.resolve(this.#status)
        : new Promise((resolve) => {
            this.#resolveTerminal = resolve;
          });
    }
    return this.#terminal;
  }

  /** Emits queued events in order; re-entrant transitions only enqueue. */
  #deliver(): void {
    if (this.#emitting) return;
    this.#emitting = true;
    try {
      for (let event = this.#pending.shift(); event !== undefined; event = this.#pending.shift()) {
        this.#emitter.emit('status', ...event);
      }
    } finally {
      this.#emitting = false;
    }
  }
}
