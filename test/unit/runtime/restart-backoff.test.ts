// Each restart strategy's back-off is what the job master schedules before redeploying, measured on
// a manual clock: fixed-delay waits the same each time, exponential-delay doubles, failure-rate
// refuses a failure too soon after the last ones, and a cancel ends the wait at once.
import { describe, expect, it } from 'vitest';
import { RestartsExhaustedError } from '../../../src/restart/errors.ts';
import {
  type ExponentialDelayParams,
  ExponentialDelayRestartStrategy,
} from '../../../src/restart/exponential-delay.ts';
import { FailureRateRestartStrategy } from '../../../src/restart/failure-rate.ts';
import { FixedDelayRestartStrategy } from '../../../src/restart/fixed-delay.ts';
import type { RestartStrategy } from '../../../src/restart/strategy.ts';
import { RestartBackoff } from '../../../src/runtime/restart-backoff.ts';
import { ManualClock } from '../../../src/util/clock.ts';
import { ManualScheduler } from '../../../src/util/scheduler.ts';

const failure = new Error('subtask failed');

/** A job master's back-off on a manual clock, and what it scheduled. */
function setUp(strategy: RestartStrategy) {
  const clock = new ManualClock();
  const timers = new ManualScheduler(clock);
  const backoff = new RestartBackoff(strategy, clock, timers);
  /**
   * A failure `runMs` after the last restart: decides, and if it restarts, returns the delay the
   * wait scheduled after checking that the wait ends exactly then and not before.
   */
  async function failAfter(runMs: number): Promise<number | Error> {
    timers.advance(runMs);
    const decision = backoff.decide(failure);
    if (!decision.restart) return decision.error;
    let woken = false;
    const waited = backoff.wait(decision.backoffMs).then(() => {
      woken = true;
    });
    const delay = timers.nextDue()! - clock.now();
    expect(delay).toBe(decision.backoffMs);
    if (delay > 0) {
      timers.advance(delay - 1);
      await Promise.resolve();
      expect(woken).toBe(false);
    }
    timers.advance(delay > 0 ? 1 : 0);
    await waited;
    expect(timers.pending).toBe(0);
    return delay;
  }
  return { clock, timers, backoff, failAfter };
}

/** Exponential delay from 100 ms, doubling, without jitter. */
function exponential(params: Partial<ExponentialDelayParams>): ExponentialDelayRestartStrategy {
  return new ExponentialDelayRestartStrategy({
    initialBackoffMs: 100,
    maxBackoffMs: 10_000,
    backoffMultiplier: 2,
    resetBackoffThresholdMs: 1e9,
    jitterFactor: 0,
    attempts: Number.POSITIVE_INFINITY,
    ...params,
  });
}

describe('RestartBackoff', () => {
  it('fixed-delay: waits delayMs before each restart, then fails the job as exhausted', async () => {
    const { failAfter } = setUp(new FixedDelayRestartStrategy({ attempts: 2, delayMs: 1000 }));
    expect(await failAfter(5)).toBe(1000);
    expect(await failAfter(5)).toBe(1000);
    const refused = await failAfter(5);
    expect(refused).toBeInstanceOf(RestartsExhaustedError);
    expect((refused as Error).cause).toBe(failure);
  });

  it('exponential-delay: doubles the back-off per restart up to the maximum', async () => {
    const { failAfter } = setUp(exponential({ maxBackoffMs: 500 }));
    const delays: Array<number | Error> = [];
    for (let i = 0; i < 5; i++) delays.push(await failAfter(10));
    expect(delays).toEqual([100, 200, 400, 500, 500]);
  });

  it('exponential-delay: starts over after running past the reset threshold', async () => {
    const { failAfter } = setUp(exponential({ resetBackoffThresholdMs: 60_000 }));
    expect(await failAfter(10)).toBe(100);
    expect(await failAfter(10)).toBe(200);
    expect(await failAfter(60_001)).toBe(100);
  });

  it.each([
    [1000, 'refuses', RestartsExhaustedError],
    [20_000, 'restarts again', 500],
  ] as const)(
    'failure-rate: a third failure %i ms after the second %s (2 per 10 s allowed)',
    async (runMs, _, expected) => {
      const { failAfter } = setUp(
        new FailureRateRestartStrategy({
          maxFailuresPerInterval: 2,
          failureRateIntervalMs: 10_000,
          delayMs: 500,
        }),
      );
      expect(await failAfter(0)).toBe(500);
      expect(await failAfter(1000)).toBe(500);
      const third = await failAfter(runMs);
      if (typeof expected === 'number') expect(third).toBe(expected);
      else expect(third).toBeInstanceOf(expected);
    },
  );

  it('a cancel ends the wait at once and cancels its timer', async () => {
    const { timers, backoff } = setUp(new FixedDelayRestartStrategy({ attempts: 1, delayMs: 60_000 }));
    const decision = backoff.decide(failure);
    expect(decision).toMatchObject({ restart: true, backoffMs: 60_000 });
    const waited = backoff.wait(60_000);
    expect(timers.pending).toBe(1);
    backoff.interrupt();
    await waited;
    expect(timers.pending).toBe(0);
    backoff.interrupt(); // nothing pending: no effect
  });
});
