/**
 * The restart strategy contract (Flink's `RestartBackoffTimeStrategy`): told about each failure,
 * it answers whether the job may restart and after how long. Strategies are pure decisions: time
 * is passed in with each failure (ms on the job master's monotonic clock), so tests drive them with
 * plain numbers or a `ManualClock`, and the job master schedules the back-off itself.
 *
 * Call order for one failure: {@link RestartStrategy.notifyFailure}, then
 * {@link RestartStrategy.canRestart}, then (if it can) {@link RestartStrategy.backoffMs}. The job
 * master does this through `decideRestart`, which first rejects errors that must not be retried,
 * and fails the job with {@link RestartStrategy.refusal} when the strategy says no.
 */

/** Names of the built-in strategies, as written in configuration. */
export type RestartStrategyName = 'none' | 'fixed-delay' | 'failure-rate' | 'exponential-delay';

/** Decides whether, and when, a failed job restarts. One instance per job, reused across restarts. */
export interface RestartStrategy {
  /** Which strategy this is. */
  readonly name: RestartStrategyName;
  /**
   * Records a failure that happened at `now` (monotonic ms). Returns whether it counts as a new
   * restart attempt: `false` when it was merged into a restart already scheduled (exponential-delay
   * treats failures during its back-off as the same incident, as Flink 1.19 does).
   */
  notifyFailure(error: Error, now: number): boolean;
  /** Whether the job may restart after the failures recorded so far. */
  canRestart(): boolean;
  /** Ms to wait, counted from the last recorded failure, before restarting. */
  backoffMs(): number;
  /** The strategy and its parameters, for messages and logs, e.g. `fixed-delay(attempts=3, delayMs=1000)`. */
  describe(): string;
  /**
   * The error the job fails with once {@link canRestart} said no: a `RestartsExhaustedError` with
   * the failure as its cause for a strategy that restarted and ran out, the failure itself for
   * `none` (which never restarts, as in Flink).
   */
  refusal(failure: Error): Error;
}

/** Renders `name(k=v, ...)` for {@link RestartStrategy.describe}. */
export function describeStrategy(name: RestartStrategyName, params: object): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${String(v)}`);
  return `${name}(${parts.join(', ')})`;
}
