/**
 * The `exponential-delay` strategy, with Flink 1.19's semantics and defaults
 * (`ExponentialDelayRestartBackoffTimeStrategy`, FLIP-364):
 * - the n-th attempt since the last reset waits `initialBackoffMs · backoffMultiplier^(n-1)`,
 *   plus a jitter drawn uniformly from ±`jitterFactor` of that, capped to `maxBackoffMs` and never
 *   below `initialBackoffMs`;
 * - a failure during the back-off of a restart already scheduled (`now ≤ next restart time`) is
 *   merged into it: not a new attempt, no new delay (several subtasks failing from one cause);
 * - once the job has run for `resetBackoffThresholdMs` since its last restart, the next failure
 *   starts over from attempt 1 (the healthy period), so no separate "recovered" signal is needed;
 * - at most `attempts` attempts between resets (default unlimited, Flink's `Integer.MAX_VALUE`).
 * Defaults: 1 s initial, 1 min max, multiplier 1.5, reset after 1 h, jitter 0.1. The random source
 * is injected so that jitter is deterministic under test.
 */
import { RestartsExhaustedError } from './errors.ts';
import { describeStrategy, type RestartStrategy } from './strategy.ts';

/** Parameters of {@link ExponentialDelayRestartStrategy}. */
export interface ExponentialDelayParams {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  /** Running this long after a restart resets the back-off, ms. */
  readonly resetBackoffThresholdMs: number;
  /** Jitter as a fraction of the back-off, 0..1. */
  readonly jitterFactor: number;
  /** Attempts allowed between resets; `Infinity` for no limit. */
  readonly attempts: number;
}

/** Flink 1.19's defaults (`restart-strategy.exponential-delay.*`). */
export const EXPONENTIAL_DELAY_DEFAULTS: ExponentialDelayParams = Object.freeze({
  initialBackoffMs: 1000,
  maxBackoffMs: 60_000,
  backoffMultiplier: 1.5,
  resetBackoffThresholdMs: 60 * 60 * 1000,
  jitterFactor: 0.1,
  attempts: Number.POSITIVE_INFINITY,
});

/** Restarts with an exponentially growing, jittered, capped back-off. */
export class ExponentialDelayRestartStrategy implements RestartStrategy {
  readonly name = 'exponential-delay';
  readonly #params: ExponentialDelayParams;
  readonly #random: () => number;
  /** Attempts since the last reset. */
  #attempt = 0;
  /** When the restart scheduled by the last counted failure happens. */
  #nextRestartAt = Number.NEGATIVE_INFINITY;
  #lastFailureAt = 0;

  /** @param random uniform in [0, 1), for the jitter; default `Math.random`. */
  constructor(
    params: ExponentialDelayParams = EXPONENTIAL_DELAY_DEFAULTS,
    random: () => number = Math.random,
  ) {
    this.#params = params;
    this.#random = random;
  }

  notifyFailure(_error: Error, now: number): boolean {
    this.#lastFailureAt = now;
    if (now <= this.#nextRestartAt) return false; // merged into the restart already scheduled
    if (now - this.#nextRestartAt >= this.#params.resetBackoffThresholdMs) this.#attempt = 0;
    this.#nextRestartAt = now + this.#backoffOfAttempt(this.#attempt);
    this.#attempt++;
    return true;
  }

  canRestart(): boolean {
    return this.#attempt <= this.#params.attempts;
  }

  /** Ms from the last failure to the scheduled restart (less for a merged failure). */
  backoffMs(): number {
    return Math.max(0, this.#nextRestartAt - this.#lastFailureAt);
  }

  describe(): string {
    return describeStrategy(this.name, this.#params);
  }

  refusal(failure: Error): Error {
    return new RestartsExhaustedError(this.describe(), failure);
  }

  /** Back-off of the attempt with 0-based index `attempt`, jittered and clamped as Flink does. */
  #backoffOfAttempt(attempt: number): number {
    const { initialBackoffMs, maxBackoffMs, backoffMultiplier, jitterFactor } = this.#params;
    const base = Math.floor(initialBackoffMs * backoffMultiplier ** attempt);
    if (!Number.isFinite(base)) return maxBackoffMs;
    const offset = Math.floor(base * jitterFactor);
    const jitter = offset === 0 ? 0 : Math.floor(this.#random() * (2 * offset + 1)) - offset;
    return Math.max(initialBackoffMs, Math.min(base + jitter, maxBackoffMs));
  }
}
