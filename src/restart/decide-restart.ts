/**
 * The job master's one question after a failure, answered as a value (Flink's
 * `ExecutionFailureHandler`): restart after some back-off, or fail the job and with which error.
 * Non-restartable failures (see {@link isRestartable}) never reach the strategy, so they do not use
 * up attempts.
 */
import { toError } from '../errors.ts';
import { isRestartable } from './classification.ts';
import type { RestartStrategy } from './strategy.ts';

/** What to do about one failure. */
export type RestartDecision =
  | {
      readonly restart: true;
      /** Wait this long (ms from the failure) before redeploying. */
      readonly backoffMs: number;
      /** False when the failure merged into a restart already scheduled: do not schedule another. */
      readonly newAttempt: boolean;
    }
  | {
      readonly restart: false;
      /** `not-restartable`: the failure's classification rules out retrying; `exhausted`: the strategy said no. */
      readonly reason: 'not-restartable' | 'exhausted';
      /** The error the job fails with: the failure itself, or the strategy's refusal (see `RestartStrategy.refusal`). */
      readonly error: Error;
    };

/**
 * Records `failure` (anything thrown; normalised with `toError`) at monotonic time `now` and decides.
 * Call it for each failure of a running (or restarting) job, in order.
 */
export function decideRestart(strategy: RestartStrategy, failure: unknown, now: number): RestartDecision {
  const error = toError(failure);
  if (!isRestartable(error)) return { restart: false, reason: 'not-restartable', error };
  const newAttempt = strategy.notifyFailure(error, now);
  if (!strategy.canRestart()) {
    return { restart: false, reason: 'exhausted', error: strategy.refusal(error) };
  }
  return { restart: true, backoffMs: strategy.backoffMs(), newAttempt };
}
