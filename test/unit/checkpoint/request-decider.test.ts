// The decider triggers on the interval, honours the minimum pause and max concurrency, and queues (never
// drops) manual requests; it only reads the injected clock.
import { describe, expect, it } from 'vitest';
import {
  CheckpointRequestDecider,
  type RequestDeciderInput,
} from '../../../src/checkpoint/request-decider.ts';
import { ManualClock } from '../../../src/util/clock.ts';

function decider(settings: { intervalMs?: number | null; minPauseMs?: number; maxConcurrent?: number } = {}) {
  const clock = new ManualClock(0);
  const d = new CheckpointRequestDecider(
    {
      intervalMs: settings.intervalMs === undefined ? 100 : settings.intervalMs,
      minPauseMs: settings.minPauseMs ?? 0,
      maxConcurrent: settings.maxConcurrent ?? 1,
    },
    clock,
  );
  return {
    clock,
    decide: (input: Partial<RequestDeciderInput> = {}) =>
      d.decide({ pendingCount: 0, queuedManual: 0, periodicSince: 0, lastEndedAt: undefined, ...input }),
  };
}

describe('CheckpointRequestDecider', () => {
  it('waits until one interval after the last periodic trigger, then triggers', () => {
    const { clock, decide } = decider({ intervalMs: 100 });
    expect(decide()).toEqual({ kind: 'wait-until', time: 100 });
    clock.advance(99);
    expect(decide()).toEqual({ kind: 'wait-until', time: 100 });
    clock.advance(1);
    expect(decide()).toEqual({ kind: 'trigger', request: 'periodic' });
    expect(decide({ periodicSince: 100 })).toEqual({ kind: 'wait-until', time: 200 });
  });

  it('is idle with periodic triggering stopped or not configured and nothing queued', () => {
    expect(decider().decide({ periodicSince: undefined })).toEqual({ kind: 'idle' });
    expect(decider({ intervalMs: null }).decide()).toEqual({ kind: 'idle' });
  });

  it('holds periodic triggers until the minimum pause after the last checkpoint ended', () => {
    const { clock, decide } = decider({ intervalMs: 100, minPauseMs: 80 });
    clock.advance(150);
    expect(decide({ lastEndedAt: 120 })).toEqual({ kind: 'wait-until', time: 200 });
    expect(decide({ lastEndedAt: 40 })).toEqual({ kind: 'trigger', request: 'periodic' });
  });

  it('with a minimum pause, never starts a periodic checkpoint while one is in progress', () => {
    const { clock, decide } = decider({ intervalMs: 100, minPauseMs: 10, maxConcurrent: 3 });
    clock.advance(500);
    expect(decide({ pendingCount: 1 })).toEqual({ kind: 'queue' });
    expect(decide({ pendingCount: 0, lastEndedAt: 400 })).toEqual({ kind: 'trigger', request: 'periodic' });
  });

  it('respects max concurrent checkpoints', () => {
    const { clock, decide } = decider({ intervalMs: 100, maxConcurrent: 2 });
    clock.advance(100);
    expect(decide({ pendingCount: 1 })).toEqual({ kind: 'trigger', request: 'periodic' });
    expect(decide({ pendingCount: 2 })).toEqual({ kind: 'queue' });
  });

  it('triggers queued manual requests first, ignoring interval and minimum pause, and queues them when full', () => {
    const { clock, decide } = decider({ intervalMs: 100, minPauseMs: 1000 });
    clock.advance(5);
    expect(decide({ queuedManual: 2, lastEndedAt: 4 })).toEqual({ kind: 'trigger', request: 'manual' });
    expect(decide({ queuedManual: 2, pendingCount: 1 })).toEqual({ kind: 'queue' });
    expect(decider({ intervalMs: null }).decide({ queuedManual: 1 })).toEqual({
      kind: 'trigger',
      request: 'manual',
    });
  });
});
