/**
 * Counts consecutive checkpoint failures against the tolerable number (Flink's
 * `CheckpointFailureManager`). Only reasons that count (see `failure-reason.ts`) raise the count,
 * and only for checkpoints, not savepoints: a failed savepoint is reported to whoever asked for it
 * and says nothing about periodic checkpointing. A completed checkpoint resets the count. Once the
 * count exceeds the tolerable number, the verdict carries the error the job must fail with, and the
 * count starts again from zero (the job restarts).
 *
 * Thread: the main thread (owned by the coordinator).
 */
import { InvalidOptionError } from '../errors.ts';
import { type CheckpointFailedError, CheckpointFailuresExceededError } from './errors.ts';
import { countsAsFailure } from './failure-reason.ts';

/** What a failure means for the job. */
export type FailureVerdict =
  /** The failure does not count (its reason, or a savepoint). */
  | { readonly kind: 'ignored' }
  /** It counts, and is still tolerated. */
  | { readonly kind: 'tolerated'; readonly consecutive: number }
  /** One too many: fail the job with `error`. */
  | { readonly kind: 'exceeded'; readonly error: CheckpointFailuresExceededError };

/** Counts consecutive checkpoint failures. */
export class CheckpointFailureManager {
  readonly #tolerable: number;
  #consecutive = 0;

  constructor(tolerableFailures: number) {
    if (!Number.isSafeInteger(tolerableFailures) || tolerableFailures < 0)
      throw new InvalidOptionError('tolerableFailures', 'an integer ≥ 0', tolerableFailures);
    this.#tolerable = tolerableFailures;
  }

  /** Counted failures since the last completed checkpoint (or the last verdict `exceeded`). */
  get consecutiveFailures(): number {
    return this.#consecutive;
  }

  /** Records a failed checkpoint (or savepoint) and says what it means. */
  onFailure(error: CheckpointFailedError, savepoint: boolean): FailureVerdict {
    if (savepoint || !countsAsFailure(error.reason)) return IGNORED;
    this.#consecutive++;
    if (this.#consecutive <= this.#tolerable) return { kind: 'tolerated', consecutive: this.#consecutive };
    const exceeded = new CheckpointFailuresExceededError(this.#tolerable, this.#consecutive, error);
    this.#consecutive = 0;
    return { kind: 'exceeded', error: exceeded };
  }

  /** Records a completed checkpoint: the count starts again. */
  onSuccess(): void {
    this.#consecutive = 0;
  }
}

const IGNORED: FailureVerdict = Object.freeze({ kind: 'ignored' });
