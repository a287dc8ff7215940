/**
 * Errors of restart handling. {@link RestartsExhaustedError} is what a job fails with when its
 * restart strategy refuses another restart; the failure that was one too many is its cause.
 */
import { WeirError } from '../errors.ts';

/** The restart strategy allows no further restart (Flink: "Recovery is suppressed by ..."). */
export class RestartsExhaustedError extends WeirError {
  /** The strategy and its parameters, e.g. `fixed-delay(attempts=3, delayMs=1000)`. */
  readonly strategy: string;

  constructor(strategy: string, cause: Error) {
    super(
      'ERR_RESTARTS_EXHAUSTED',
      classificationOf(cause),
      `the job failed and restart strategy ${strategy} allows no further restart: ${cause.message}`,
      { cause },
    );
    this.strategy = strategy;
  }
}

/** The final failure's classification is the job's: exhaustion only says why it was not retried. */
function classificationOf(cause: Error): WeirError['classification'] {
  return cause instanceof WeirError ? cause.classification : 'internal';
}
