/**
 * The `none` strategy (Flink's `NoRestartBackoffTimeStrategy`): the first failure fails the job.
 * The default when checkpointing is off, since a restart without a checkpoint would replay the
 * sources from the start with empty state.
 */
import type { RestartStrategy } from './strategy.ts';

/** Never restarts. */
export class NoRestartStrategy implements RestartStrategy {
  readonly name = 'none';

  notifyFailure(_error: Error, _now: number): boolean {
    return true;
  }

  canRestart(): boolean {
    return false;
  }

  backoffMs(): number {
    return 0;
  }

  describe(): string {
    return 'none';
  }

  /** The failure itself: with no restart there is nothing to have run out of. */
  refusal(failure: Error): Error {
    return failure;
  }
}
