/**
 * The `failure-rate` strategy (Flink's `FailureRateRestartBackoffTimeStrategy`): restart as long as
 * no more than `maxFailuresPerInterval` failures fall within any window of `failureRateIntervalMs`;
 * the failure that exceeds the rate fails the job. Each restart waits `delayMs`. Flink's defaults:
 * 1 failure per 1 min, delay 1 s.
 *
 * The window slides: only the last `maxFailuresPerInterval + 1` failure times are kept, and the
 * job may restart unless the oldest of them lies within the interval of the newest.
 */
import { RestartsExhaustedError } from './errors.ts';
import { describeStrategy, type RestartStrategy } from './strategy.ts';

/** Parameters of {@link FailureRateRestartStrategy}. */
export interface FailureRateParams {
  /** Failures tolerated within one interval. */
  readonly maxFailuresPerInterval: number;
  /** Length of the sliding window, ms. */
  readonly failureRateIntervalMs: number;
  /** Wait before each restart, ms. */
  readonly delayMs: number;
}

/** Flink's defaults (`restart-strategy.failure-rate.*`). */
export const FAILURE_RATE_DEFAULTS: FailureRateParams = Object.freeze({
  maxFailuresPerInterval: 1,
  failureRateIntervalMs: 60_000,
  delayMs: 1000,
});

/** Restarts while the failure rate stays under a maximum. */
export class FailureRateRestartStrategy implements RestartStrategy {
  readonly name = 'failure-rate';
  readonly #params: FailureRateParams;
  /** Times of the most recent failures, oldest first; at most `maxFailuresPerInterval + 1`. */
  readonly #failureTimes: number[] = [];

  constructor(params: FailureRateParams = FAILURE_RATE_DEFAULTS) {
    this.#params = params;
  }

  notifyFailure(_error: Error, now: number): boolean {
    const times = this.#failureTimes;
    if (times.length > this.#params.maxFailuresPerInterval) times.shift();
    times.push(now);
    return true;
  }

  /** False once `maxFailuresPerInterval + 1` failures fall within one interval (ending at the last). */
  canRestart(): boolean {
    const times = this.#failureTimes;
    if (times.length <= this.#params.maxFailuresPerInterval) return true;
    return times[times.length - 1]! - times[0]! > this.#params.failureRateIntervalMs;
  }

  backoffMs(): number {
    return this.#params.delayMs;
  }

  describe(): string {
    return describeStrategy(this.name, this.#params);
  }

  refusal(failure: Error): Error {
    return new RestartsExhaustedError(this.describe(), failure);
  }
}
