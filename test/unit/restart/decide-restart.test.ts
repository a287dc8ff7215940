// A failure restarts the job unless its classification rules it out or the strategy is exhausted.
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, WeirError } from '../../../src/errors.ts';
import { classifyFailure, isRestartable } from '../../../src/restart/classification.ts';
import { decideRestart } from '../../../src/restart/decide-restart.ts';
import { RestartsExhaustedError } from '../../../src/restart/errors.ts';
import { ExponentialDelayRestartStrategy } from '../../../src/restart/exponential-delay.ts';
import { FixedDelayRestartStrategy } from '../../../src/restart/fixed-delay.ts';
import { NoRestartStrategy } from '../../../src/restart/no-restart.ts';

const userError = new WeirError('ERR_USER_FUNCTION', 'user', 'map threw');
const configError = new InvalidOptionError('parallelism', 'a positive integer', 0);

describe('decideRestart', () => {
  it('restarts after the back-off while the strategy allows', () => {
    const strategy = new FixedDelayRestartStrategy({ attempts: 2, delayMs: 300 });
    expect(decideRestart(strategy, userError, 0)).toEqual({
      restart: true,
      backoffMs: 300,
      newAttempt: true,
    });
  });

  it('fails with RestartsExhaustedError, carrying the failure and its classification, once exhausted', () => {
    const strategy = new FixedDelayRestartStrategy({ attempts: 1, delayMs: 0 });
    decideRestart(strategy, userError, 0);
    const decision = decideRestart(strategy, userError, 10);
    expect(decision).toMatchObject({ restart: false, reason: 'exhausted' });
    if (decision.restart) throw new Error('unreachable');
    expect(decision.error).toBeInstanceOf(RestartsExhaustedError);
    expect(decision.error).toMatchObject({
      code: 'ERR_RESTARTS_EXHAUSTED',
      classification: 'user',
      cause: userError,
      strategy: 'fixed-delay(attempts=1, delayMs=0)',
    });
  });

  it('fails at once with the error itself on a configuration error, without using up an attempt', () => {
    const strategy = new FixedDelayRestartStrategy({ attempts: 1, delayMs: 0 });
    expect(decideRestart(strategy, configError, 0)).toEqual({
      restart: false,
      reason: 'not-restartable',
      error: configError,
    });
    expect(decideRestart(strategy, userError, 1)).toMatchObject({ restart: true });
  });

  it('sees a configuration error through wrappers', () => {
    const wrapped = new WeirError('ERR_WORKER_EXITED', 'internal', 'worker 3 exited', { cause: configError });
    expect(decideRestart(new FixedDelayRestartStrategy(), wrapped, 0)).toMatchObject({
      reason: 'not-restartable',
    });
  });

  it('never restarts a cancelled job or one whose restarts are exhausted', () => {
    const cancelled = new WeirError('ERR_JOB_CANCELLED', 'user', 'cancelled');
    const exhausted = new RestartsExhaustedError('none', userError);
    expect(isRestartable(cancelled)).toBe(false);
    expect(isRestartable(exhausted)).toBe(false);
  });

  it('normalises non-errors and treats unclassified errors as restartable internal ones', () => {
    const decision = decideRestart(new FixedDelayRestartStrategy(), 'a string', 0);
    expect(decision.restart).toBe(true);
    expect(classifyFailure(new Error('?'))).toBe('internal');
    expect(classifyFailure(new Error('outer', { cause: userError }))).toBe('user');
    expect(classifyFailure(undefined)).toBe('internal');
  });

  it("with 'none' fails on the first restartable failure with that failure itself", () => {
    expect(decideRestart(new NoRestartStrategy(), userError, 0)).toEqual({
      restart: false,
      reason: 'exhausted',
      error: userError,
    });
  });

  it('reports failures merged into a scheduled restart as no new attempt', () => {
    const strategy = new ExponentialDelayRestartStrategy(undefined, () => 0.5);
    decideRestart(strategy, userError, 0);
    expect(decideRestart(strategy, userError, 200)).toEqual({
      restart: true,
      backoffMs: 800,
      newAttempt: false,
    });
  });

  it('survives a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.defineProperty(a, 'cause', { value: b });
    expect(isRestartable(a)).toBe(true);
    expect(classifyFailure(a)).toBe('internal');
  });
});
