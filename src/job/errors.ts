/**
 * Errors of the job lifecycle. {@link IllegalStateTransitionError} is generic on purpose: every
 * explicit state machine in weir (the job status, a subtask's barrier handler) reports a forbidden
 * transition with it, so callers match one code, `ERR_ILLEGAL_STATE_TRANSITION`, whatever the machine.
 */
import { WeirError } from '../errors.ts';

/**
 * A state machine was asked to move along a transition its table does not list. Always a bug in
 * weir (callers are expected to check `canTransition` first), hence classified `internal`.
 */
export class IllegalStateTransitionError extends WeirError {
  /** Which machine refused, e.g. `job status` or `barrier handler`. */
  readonly machine: string;
  /** The state it was in. */
  readonly from: string;
  /** The state it was asked to enter. */
  readonly to: string;

  constructor(machine: string, from: string, to: string, detail?: string) {
    super(
      'ERR_ILLEGAL_STATE_TRANSITION',
      'internal',
      `illegal ${machine} transition ${from} -> ${to}${detail === undefined ? '' : `: ${detail}`}`,
    );
    this.machine = machine;
    this.from = from;
    this.to = to;
  }
}

/**
 * A job was cancelled through the `AbortSignal` given to it. Its `name` is `AbortError`, as with
 * Node.js APIs, and its `cause` is the signal's reason; its code is that of every cancellation,
 * `ERR_JOB_CANCELLED`.
 */
export class JobAbortedError extends WeirError {
  /** The job's name. */
  readonly job: string;

  constructor(job: string, reason: unknown) {
    super('ERR_JOB_CANCELLED', 'external', `job "${job}" was aborted by its signal`, { cause: reason });
    this.job = job;
  }

  override get name(): string {
    return 'AbortError';
  }
}
