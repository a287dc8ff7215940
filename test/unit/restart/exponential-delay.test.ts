// exponential-delay grows its back-off by the multiplier up to the cap, with bounded jitter, and resets after a healthy period.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EXPONENTIAL_DELAY_DEFAULTS,
  type ExponentialDelayParams,
  ExponentialDelayRestartStrategy,
} from '../../../src/restart/exponential-delay.ts';
import { ManualClock } from '../../../src/util/clock.ts';

const failure = new Error('boom');
/** With 0.5 the jitter is exactly 0: floor(0.5 · (2n + 1)) − n = 0. */
const noJitter = () => 0.5;

/**
 * Fails, restarts after the back-off, runs `uptimeMs`, fails again, ... `count` times; returns the
 * back-offs and whether each failure could restart.
 */
function failRepeatedly(strategy: ExponentialDelayRestartStrategy, count: number, uptimeMs = 1) {
  const clock = new ManualClock(10_000);
  const out: Array<[boolean, number]> = [];
  for (let i = 0; i < count; i++) {
    strategy.notifyFailure(failure, clock.now());
    out.push([strategy.canRestart(), strategy.backoffMs()]);
    clock.advance(strategy.backoffMs() + uptimeMs);
  }
  return out;
}

describe('ExponentialDelayRestartStrategy', () => {
  it("has Flink 1.19's defaults", () => {
    expect(EXPONENTIAL_DELAY_DEFAULTS).toEqual({
      initialBackoffMs: 1000,
      maxBackoffMs: 60_000,
      backoffMultiplier: 1.5,
      resetBackoffThresholdMs: 3_600_000,
      jitterFactor: 0.1,
      attempts: Number.POSITIVE_INFINITY,
    });
  });

  it('grows by 1.5 per attempt from 1 s and caps at 1 min, without limit on attempts', () => {
    const backoffs = failRepeatedly(new ExponentialDelayRestartStrategy(undefined, noJitter), 14).map(
      ([can, b]) => {
        expect(can).toBe(true);
        return b;
      },
    );
    expect(backoffs).toEqual([
      1000, 1500, 2250, 3375, 5062, 7593, 11390, 17085, 25628, 38443, 57665, 60000, 60000, 60000,
    ]);
  });

  it('stops after `attempts` attempts', () => {
    const strategy = new ExponentialDelayRestartStrategy(
      { ...EXPONENTIAL_DELAY_DEFAULTS, attempts: 2 },
      noJitter,
    );
    expect(failRepeatedly(strategy, 3).map(([can]) => can)).toEqual([true, true, false]);
  });

  it('merges failures during a scheduled back-off into that restart', () => {
    const strategy = new ExponentialDelayRestartStrategy(undefined, noJitter);
    expect(strategy.notifyFailure(failure, 0)).toBe(true);
    expect(strategy.backoffMs()).toBe(1000);
    expect(strategy.notifyFailure(failure, 400)).toBe(false); // another subtask, same incident
    expect(strategy.backoffMs()).toBe(600); // the restart stays at t = 1000
    expect(strategy.notifyFailure(failure, 1000)).toBe(false);
    expect(strategy.notifyFailure(failure, 1001)).toBe(true); // after the restart: a new attempt
    expect(strategy.backoffMs()).toBe(1500);
    expect(strategy.canRestart()).toBe(true);
  });

  it('resets to the initial back-off once the job ran for the threshold after its last restart', () => {
    const params: ExponentialDelayParams = {
      ...EXPONENTIAL_DELAY_DEFAULTS,
      resetBackoffThresholdMs: 10_000,
      attempts: 3,
    };
    const strategy = new ExponentialDelayRestartStrategy(params, noJitter);
    strategy.notifyFailure(failure, 0); // restart at 1000
    strategy.notifyFailure(failure, 5000); // ran 4 s: restart at 6500
    expect(strategy.backoffMs()).toBe(1500);
    strategy.notifyFailure(failure, 6500 + 9999); // ran just under 10 s
    expect(strategy.backoffMs()).toBe(2250);
    strategy.notifyFailure(failure, 6500 + 9999 + 2250 + 10_000); // healthy for 10 s
    expect(strategy.backoffMs()).toBe(1000);
    // The reset also gives back the attempts: 3 attempts since the reset are allowed again.
    expect(strategy.canRestart()).toBe(true);
  });

  it('draws jitter from ±jitterFactor of the back-off, never below the initial back-off', () => {
    const at = (random: number, failures: number) => {
      const strategy = new ExponentialDelayRestartStrategy(undefined, () => random);
      return failRepeatedly(strategy, failures).at(-1)![1];
    };
    expect(at(0, 1)).toBe(1000); // 1000 − 100, clamped up to the initial back-off
    expect(at(0.999999, 1)).toBe(1100);
    expect(at(0, 2)).toBe(1350);
    expect(at(0.999999, 2)).toBe(1650);
    expect(at(0.999999, 13)).toBe(60_000); // capped after the jitter
  });

  it('keeps every jittered back-off within its bounds (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (randoms, jitterFactor) => {
          let i = 0;
          const params = { ...EXPONENTIAL_DELAY_DEFAULTS, jitterFactor };
          const strategy = new ExponentialDelayRestartStrategy(params, () => randoms[i]!);
          for (; i < randoms.length; i++) {
            // 1000 s apart: each failure comes after the previous restart, within the reset threshold.
            strategy.notifyFailure(failure, i * 1e6);
            const base = Math.floor(1000 * 1.5 ** i);
            const offset = Math.floor(base * jitterFactor);
            const backoff = strategy.backoffMs();
            expect(backoff).toBeGreaterThanOrEqual(Math.min(60_000, Math.max(1000, base - offset)));
            expect(backoff).toBeLessThanOrEqual(Math.min(60_000, base + offset));
            expect(Number.isInteger(backoff)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
