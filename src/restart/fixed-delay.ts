/**
 * The `fixed-delay` strategy (Flink's `FixedDelayRestartBackoffTimeStrategy`): restart at most
 * `attempts` times over the job's whole life, waiting `delayMs` before each restart. Flink's
 * defaults: 1 attempt, 1 s.
 */
import { RestartsExhaustedError } from './errors.ts';
import { describeStrategy, type RestartStrategy } from './strategy.ts';

/** Parameters of {@link FixedDelayRestartStrategy}. */
export interface FixedDelayParams {
  /** Restarts allowed in total; `Infinity` for no limit. */
  readonly attempts: number;
  /** Wait before each restart, ms. */
  readonly delayMs: number;
}

/** Flink's defaults (`restart-strategy.fixed-delay.attempts` / `.delay`). */
export const FIXED_DELAY_DEFAULTS: FixedDelayParams = Object.freeze({ attempts: 1, delayMs: 1000 });

/** Restarts a fixed number of times with a fixed delay. */
export class FixedDelayRestartStrategy implements RestartStrategy {
  readonly name = 'fixed-delay';
  readonly #params: FixedDelayParams;
  #failures = 0;

  constructor(params: FixedDelayParams = FIXED_DELAY_DEFAULTS) {
    this.#params = params;
  }

  notifyFailure(_error: Error, _now: number): boolean {
    this.#failures++;
    return true;
  }

  /** The n-th failure may restart while n ≤ attempts. */
  canRestart(): boolean {
    return this.#failures <= this.#params.attempts;
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
