// Restart options are validated with errors naming the option; absent options follow Flink's default rule.
import { describe, expect, it } from 'vitest';
import type { RestartOptions } from '../../../src/restart/config.ts';
import { createRestartStrategy } from '../../../src/restart/create-restart-strategy.ts';
import { EXPONENTIAL_DELAY_DEFAULTS } from '../../../src/restart/exponential-delay.ts';
import { resolveRestartConfig } from '../../../src/restart/resolve-restart-config.ts';

/** No engine configuration at all: empty environment, no config file. */
const bare = { env: {}, cwd: '/nowhere', readFile: () => undefined };

function resolve(options: RestartOptions | undefined, checkpointingEnabled = false) {
  return resolveRestartConfig(options, { checkpointingEnabled, engine: bare });
}

function messageOf(options: unknown): string {
  try {
    resolve(options as RestartOptions);
  } catch (e) {
    expect(e).toMatchObject({ code: 'ERR_INVALID_OPTION', classification: 'configuration' });
    return (e as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('resolveRestartConfig, job options', () => {
  it('fills in Flink defaults per strategy', () => {
    expect(resolve({ strategy: 'none' })).toEqual({ strategy: 'none' });
    expect(resolve({ strategy: 'fixed-delay' })).toEqual({
      strategy: 'fixed-delay',
      attempts: 1,
      delayMs: 1000,
    });
    expect(resolve({ strategy: 'failure-rate', delayMs: 5 })).toEqual({
      strategy: 'failure-rate',
      maxFailuresPerInterval: 1,
      failureRateIntervalMs: 60_000,
      delayMs: 5,
    });
    expect(resolve({ strategy: 'exponential-delay', attempts: 10 })).toEqual({
      strategy: 'exponential-delay',
      ...EXPONENTIAL_DELAY_DEFAULTS,
      attempts: 10,
    });
  });

  it.each([
    [{ strategy: 'fixed-delay', delayMs: -1 }, 'restart.delayMs must be a non-negative number, got -1'],
    [
      { strategy: 'fixed-delay', attempts: 1.5 },
      'restart.attempts must be an integer ≥ 0 or Infinity, got 1.5',
    ],
    [{ strategy: 'fixed-delay', delayMs: '10' }, 'restart.delayMs must be a non-negative number, got "10"'],
    [
      { strategy: 'failure-rate', maxFailuresPerInterval: 0 },
      'restart.maxFailuresPerInterval must be a positive integer, got 0',
    ],
    [
      { strategy: 'failure-rate', failureRateIntervalMs: 0 },
      'restart.failureRateIntervalMs must be a positive number, got 0',
    ],
    [
      { strategy: 'exponential-delay', backoffMultiplier: 1 },
      'restart.backoffMultiplier must be a number > 1, got 1',
    ],
    [
      { strategy: 'exponential-delay', jitterFactor: 1.5 },
      'restart.jitterFactor must be a number between 0 and 1, got 1.5',
    ],
    [
      { strategy: 'exponential-delay', attempts: 0 },
      'restart.attempts must be an integer ≥ 1 or Infinity, got 0',
    ],
    [
      { strategy: 'exponential-delay', initialBackoffMs: 0.5 },
      'restart.initialBackoffMs must be a number ≥ 1, got 0.5',
    ],
    [
      { strategy: 'exponential-delay', initialBackoffMs: 90_000 },
      'restart.initialBackoffMs must be at most maxBackoffMs (60000), got 90000',
    ],
    [
      { strategy: 'exponential-delay', maxBackoffMs: 500 },
      'restart.maxBackoffMs must be at least initialBackoffMs (1000), got 500',
    ],
    [
      { strategy: 'exponential-delay', delayMs: 5 },
      "restart.delayMs must be absent for restart strategy 'exponential-delay' (its parameters are initialBackoffMs, maxBackoffMs, backoffMultiplier, resetBackoffThresholdMs, jitterFactor, attempts), got 5",
    ],
    [
      { strategy: 'none', attempts: 1 },
      "restart.attempts must be absent for restart strategy 'none' (it takes none), got 1",
    ],
    [
      { strategy: 'fallback', attempts: 1 },
      "restart.attempts must be absent for restart strategy 'fallback' (it takes none), got 1",
    ],
    [
      { strategy: 'fixd-delay' },
      "restart.strategy must be one of 'none', 'fixed-delay', 'failure-rate', 'exponential-delay', 'fallback', got \"fixd-delay\"",
    ],
    [null, "restart must be an object such as { strategy: 'fixed-delay' }, got null"],
  ])('rejects %o', (options, message) => {
    expect(messageOf(options)).toBe(message);
  });

  it('accepts Infinity attempts and zero delays', () => {
    expect(
      resolve({ strategy: 'fixed-delay', attempts: Number.POSITIVE_INFINITY, delayMs: 0 }),
    ).toMatchObject({
      attempts: Number.POSITIVE_INFINITY,
      delayMs: 0,
    });
  });
});

describe('resolveRestartConfig, default rule', () => {
  it('is none without checkpointing and exponential-delay with it, for absent options and fallback alike', () => {
    for (const options of [undefined, { strategy: 'fallback' } as const]) {
      expect(resolve(options, false)).toEqual({ strategy: 'none' });
      expect(resolve(options, true)).toEqual({
        strategy: 'exponential-delay',
        ...EXPONENTIAL_DELAY_DEFAULTS,
      });
    }
  });

  it("does not override a job's own choice", () => {
    expect(resolve({ strategy: 'none' }, true)).toEqual({ strategy: 'none' });
  });
});

describe('createRestartStrategy', () => {
  it('builds the configured strategy with its parameters', () => {
    const cases: Array<[RestartOptions, string]> = [
      [{ strategy: 'none' }, 'none'],
      [{ strategy: 'fixed-delay', attempts: 2 }, 'fixed-delay(attempts=2, delayMs=1000)'],
      [
        { strategy: 'failure-rate' },
        'failure-rate(maxFailuresPerInterval=1, failureRateIntervalMs=60000, delayMs=1000)',
      ],
      [
        { strategy: 'exponential-delay', jitterFactor: 0 },
        'exponential-delay(initialBackoffMs=1000, maxBackoffMs=60000, backoffMultiplier=1.5, resetBackoffThresholdMs=3600000, jitterFactor=0, attempts=Infinity)',
      ],
    ];
    for (const [options, description] of cases) {
      expect(createRestartStrategy(resolve(options)).describe()).toBe(description);
    }
  });

  it('passes the random source to exponential-delay', () => {
    const strategy = createRestartStrategy(resolve({ strategy: 'exponential-delay' }), () => 0);
    strategy.notifyFailure(new Error('x'), 0);
    strategy.notifyFailure(new Error('x'), 10_000);
    expect(strategy.backoffMs()).toBe(1350);
  });
});
