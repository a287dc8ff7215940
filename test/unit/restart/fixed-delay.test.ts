// fixed-delay restarts `attempts` times over the job's life, each after the same delay.
import { describe, expect, it } from 'vitest';
import { FIXED_DELAY_DEFAULTS, FixedDelayRestartStrategy } from '../../../src/restart/fixed-delay.ts';

const failure = new Error('boom');

describe('FixedDelayRestartStrategy', () => {
  it("has Flink's defaults: one attempt, 1 s", () => {
    expect(FIXED_DELAY_DEFAULTS).toEqual({ attempts: 1, delayMs: 1000 });
    const strategy = new FixedDelayRestartStrategy();
    expect(strategy.notifyFailure(failure, 0)).toBe(true);
    expect(strategy.canRestart()).toBe(true);
    expect(strategy.backoffMs()).toBe(1000);
    strategy.notifyFailure(failure, 5000);
    expect(strategy.canRestart()).toBe(false);
  });

  it('allows exactly `attempts` restarts however far apart the failures are', () => {
    const strategy = new FixedDelayRestartStrategy({ attempts: 3, delayMs: 250 });
    const decisions = [0, 1e6, 2e6, 3e6].map((t) => {
      strategy.notifyFailure(failure, t);
      return [strategy.canRestart(), strategy.backoffMs()];
    });
    expect(decisions).toEqual([
      [true, 250],
      [true, 250],
      [true, 250],
      [false, 250],
    ]);
  });

  it('with 0 attempts never restarts, with Infinity always does', () => {
    const none = new FixedDelayRestartStrategy({ attempts: 0, delayMs: 0 });
    none.notifyFailure(failure, 0);
    expect(none.canRestart()).toBe(false);
    const always = new FixedDelayRestartStrategy({ attempts: Number.POSITIVE_INFINITY, delayMs: 0 });
    for (let i = 0; i < 1000; i++) always.notifyFailure(failure, i);
    expect(always.canRestart()).toBe(true);
    expect(always.describe()).toBe('fixed-delay(attempts=Infinity, delayMs=0)');
  });
});
