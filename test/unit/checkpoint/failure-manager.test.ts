// Only counted reasons raise the consecutive-failure count, savepoints never do, success resets it, and
// exceeding the tolerable number yields the error the job fails with, carrying the last cause.
import { describe, expect, it } from 'vitest';
import { CheckpointFailedError } from '../../../src/checkpoint/errors.ts';
import { CheckpointFailureManager } from '../../../src/checkpoint/failure-manager.ts';
import { CHECKPOINT_FAILURE_REASONS, countsAsFailure } from '../../../src/checkpoint/failure-reason.ts';

const failed = (reason: (typeof CHECKPOINT_FAILURE_REASONS)[number]) => new CheckpointFailedError(1, reason);

describe('CheckpointFailureManager', () => {
  it('counts declined, expired and storage failures only', () => {
    const counted = CHECKPOINT_FAILURE_REASONS.filter(countsAsFailure);
    expect(counted).toEqual(['declined', 'expired', 'storage-failed']);
  });

  it('tolerates the configured number of consecutive failures, then fails with the last cause', () => {
    const manager = new CheckpointFailureManager(2);
    expect(manager.onFailure(failed('expired'), false)).toEqual({ kind: 'tolerated', consecutive: 1 });
    expect(manager.onFailure(failed('subsumed'), false)).toEqual({ kind: 'ignored' });
    expect(manager.onFailure(failed('declined'), true)).toEqual({ kind: 'ignored' });
    expect(manager.onFailure(failed('declined'), false)).toEqual({ kind: 'tolerated', consecutive: 2 });
    const last = failed('storage-failed');
    const verdict = manager.onFailure(last, false);
    expect(verdict.kind).toBe('exceeded');
    if (verdict.kind !== 'exceeded') return;
    expect(verdict.error.code).toBe('ERR_CHECKPOINT_FAILURES_EXCEEDED');
    expect(verdict.error.cause).toBe(last);
    expect(verdict.error.classification).toBe('external');
    expect(manager.consecutiveFailures).toBe(0);
  });

  it('resets the count when a checkpoint completes', () => {
    const manager = new CheckpointFailureManager(1);
    manager.onFailure(failed('expired'), false);
    manager.onSuccess();
    expect(manager.onFailure(failed('expired'), false)).toEqual({ kind: 'tolerated', consecutive: 1 });
  });

  it('with none tolerated, the first counted failure fails the job', () => {
    expect(new CheckpointFailureManager(0).onFailure(failed('expired'), false).kind).toBe('exceeded');
  });
});
