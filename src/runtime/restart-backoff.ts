/**
 * The job master's time between a failed attempt and the next (main thread): asks the restart
 * strategy about a failure at the injected clock's now, and waits out the back-off it gives on the
 * injected timers, so tests observe the back-off as a scheduled delay on a manual clock instead of
 * sleeping. A cancel ends the wait at once.
 *
 * Invariant: at most one wait is pending; `interrupt()` cancels its timer and resolves it.
 */
import { decideRestart, type RestartDecision } from '../restart/decide-restart.ts';
import type { RestartStrategy } from '../restart/strategy.ts';
import type { Clock } from '../util/clock.ts';
import type { Scheduler } from '../util/scheduler.ts';

export class RestartBackoff {
  readonly #strategy: RestartStrategy;
  readonly #clock: Clock;
  readonly #timers: Scheduler;
  #wake: (() => void) | undefined;

  constructor(strategy: RestartStrategy, clock: Clock, timers: Scheduler) {
    this.#strategy = strategy;
    this.#clock = clock;
    this.#timers = timers;
  }

  /** Records `failure` now and decides: restart after a back-off, or fail the job with which error. */
  decide(failure: Error): RestartDecision {
    return decideRestart(this.#strategy, failure, this.#clock.now());
  }

  /** Resolves `ms` from now, or at once when {@link interrupt}ed. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        cancel();
        if (this.#wake === wake) this.#wake = undefined;
        resolve();
      };
      const cancel = this.#timers.schedule(ms, wake);
      this.#wake = wake;
    });
  }

  /** Ends the pending wait, if any (the job is being cancelled). */
  interrupt(): void {
    this.#wake?.();
  }
}
