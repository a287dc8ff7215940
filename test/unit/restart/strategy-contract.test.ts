// Every restart strategy honours the RestartStrategy contract: non-negative back-off, monotone refusal, a description.
import { describe, expect, it } from 'vitest';
import { RestartsExhaustedError } from '../../../src/restart/errors.ts';
import { ExponentialDelayRestartStrategy } from '../../../src/restart/exponential-delay.ts';
import { FailureRateRestartStrategy } from '../../../src/restart/failure-rate.ts';
import { FixedDelayRestartStrategy } from '../../../src/restart/fixed-delay.ts';
import { NoRestartStrategy } from '../../../src/restart/no-restart.ts';
import type { RestartStrategy } from '../../../src/restart/strategy.ts';
import { ManualClock } from '../../../src/util/clock.ts';

const exponentialParams = {
  initialBackoffMs: 10,
  maxBackoffMs: 1000,
  backoffMultiplier: 2,
  resetBackoffThresholdMs: 1e9,
  jitterFactor: 0.1,
  attempts: 3,
};

const implementations: Array<[string, () => RestartStrategy]> = [
  ['none', () => new NoRestartStrategy()],
  ['fixed-delay', () => new FixedDelayRestartStrategy({ attempts: 3, delayMs: 100 })],
  [
    'failure-rate',
    () =>
      new FailureRateRestartStrategy({ maxFailuresPerInterval: 2, failureRateIntervalMs: 1e6, delayMs: 100 }),
  ],
  ['exponential-delay', () => new ExponentialDelayRestartStrategy(exponentialParams, () => 0.5)],
];

describe.each(implementations)('RestartStrategy contract: %s', (name, create) => {
  it('names itself and describes its parameters', () => {
    const strategy = create();
    expect(strategy.name).toBe(name);
    expect(strategy.describe().startsWith(name)).toBe(true);
  });

  it('gives a finite, non-negative back-off after each failure it allows', () => {
    const strategy = create();
    const clock = new ManualClock();
    for (let i = 0; i < 10; i++) {
      strategy.notifyFailure(new Error(`failure ${i}`), clock.now());
      if (!strategy.canRestart()) break;
      const backoff = strategy.backoffMs();
      expect(Number.isFinite(backoff) && backoff >= 0).toBe(true);
      clock.advance(backoff + 1); // restarted after the back-off, failed again 1 ms later
    }
  });

  it("refuses with the failure itself ('none') or with RestartsExhaustedError naming itself", () => {
    const strategy = create();
    const failure = new Error('boom');
    const refusal = strategy.refusal(failure);
    if (name === 'none') expect(refusal).toBe(failure);
    else {
      expect(refusal).toBeInstanceOf(RestartsExhaustedError);
      expect(refusal.cause).toBe(failure);
      expect((refusal as RestartsExhaustedError).strategy).toBe(strategy.describe());
    }
  });

  it('once it refuses under a burst of failures, keeps refusing while the burst goes on', () => {
    const strategy = create();
    let refused = false;
    for (let i = 0; i < 10; i++) {
      strategy.notifyFailure(new Error('burst'), i * 10_000);
      if (refused) expect(strategy.canRestart()).toBe(false);
      refused = !strategy.canRestart();
    }
    expect(refused).toBe(true);
  });
});
