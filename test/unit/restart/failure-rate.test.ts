// failure-rate restarts unless more than maxFailuresPerInterval failures fall within one sliding interval.
import { describe, expect, it } from 'vitest';
import { FAILURE_RATE_DEFAULTS, FailureRateRestartStrategy } from '../../../src/restart/failure-rate.ts';
import { ManualClock } from '../../../src/util/clock.ts';

const failure = new Error('boom');

/** Feeds failures at the given times; returns canRestart after each. */
function run(strategy: FailureRateRestartStrategy, times: number[]): boolean[] {
  const clock = new ManualClock();
  return times.map((t) => {
    clock.advance(t - clock.now());
    strategy.notifyFailure(failure, clock.now());
    return strategy.canRestart();
  });
}

describe('FailureRateRestartStrategy', () => {
  it("has Flink's defaults: 1 failure per minute, 1 s delay", () => {
    expect(FAILURE_RATE_DEFAULTS).toEqual({
      maxFailuresPerInterval: 1,
      failureRateIntervalMs: 60_000,
      delayMs: 1000,
    });
    expect(run(new FailureRateRestartStrategy(), [0, 60_001, 120_002])).toEqual([true, true, true]);
    expect(new FailureRateRestartStrategy().backoffMs()).toBe(1000);
  });

  it('fails the job on the failure that exceeds the rate', () => {
    const strategy = new FailureRateRestartStrategy({
      maxFailuresPerInterval: 2,
      failureRateIntervalMs: 10_000,
      delayMs: 500,
    });
    expect(run(strategy, [0, 1000, 2000])).toEqual([true, true, false]);
    expect(strategy.backoffMs()).toBe(500);
  });

  it('slides its window: old failures stop counting', () => {
    const strategy = new FailureRateRestartStrategy({
      maxFailuresPerInterval: 2,
      failureRateIntervalMs: 10_000,
      delayMs: 0,
    });
    // [0, 6000, 12000] spans 12 s > 10 s: fine; [6000, 12000, 15000] spans 9 s: too many.
    expect(run(strategy, [0, 6000, 12_000, 15_000])).toEqual([true, true, true, false]);
  });

  it('counts a failure exactly one interval after the oldest as within it (Flink: strictly greater to escape)', () => {
    expect(
      run(
        new FailureRateRestartStrategy({
          maxFailuresPerInterval: 1,
          failureRateIntervalMs: 60_000,
          delayMs: 0,
        }),
        [0, 60_000],
      ),
    ).toEqual([true, false]);
  });

  it('recovers once failures thin out again', () => {
    const strategy = new FailureRateRestartStrategy({
      maxFailuresPerInterval: 1,
      failureRateIntervalMs: 100,
      delayMs: 0,
    });
    expect(run(strategy, [0, 50, 200, 400])).toEqual([true, false, true, true]);
  });
});
