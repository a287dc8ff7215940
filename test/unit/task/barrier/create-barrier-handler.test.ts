// Options are validated at creation with errors naming the option; the transition table is closed.
import { describe, expect, it } from 'vitest';
import type { CheckpointingMode } from '../../../../src/checkpoint/config.ts';
import { AtLeastOnceBarrierHandler } from '../../../../src/task/barrier/at-least-once-handler.ts';
import { createBarrierHandler } from '../../../../src/task/barrier/create-barrier-handler.ts';
import { ExactlyOnceBarrierHandler } from '../../../../src/task/barrier/exactly-once-handler.ts';
import { BARRIER_HANDLER_TRANSITIONS } from '../../../../src/task/barrier/state.ts';
import { Recorder } from './harness.ts';

describe('createBarrierHandler', () => {
  it('picks the handler by checkpointing mode', () => {
    const rec = new Recorder();
    expect(createBarrierHandler('exactly-once', rec.options(2))).toBeInstanceOf(ExactlyOnceBarrierHandler);
    expect(createBarrierHandler('at-least-once', rec.options(2))).toBeInstanceOf(AtLeastOnceBarrierHandler);
  });

  it.each([
    [{ channels: 0 }, 'channels must be a positive integer, got 0'],
    [{ channels: 1.5 }, 'channels must be a positive integer, got 1.5'],
    [{ alignedCheckpointTimeoutMs: -1 }, 'alignedCheckpointTimeoutMs must be a non-negative number, got -1'],
    [
      { alignedCheckpointTimeoutMs: Number.NaN },
      'alignedCheckpointTimeoutMs must be a non-negative number, got NaN',
    ],
    [{ maxPendingCheckpoints: 0 }, 'maxPendingCheckpoints must be a positive integer, got 0'],
  ])('rejects %o', (override, message) => {
    const rec = new Recorder();
    for (const mode of ['exactly-once', 'at-least-once'] as const) {
      expect(() => createBarrierHandler(mode, { ...rec.options(2), ...override })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION', classification: 'configuration', message }),
      );
    }
  });

  it('rejects an unknown mode', () => {
    const rec = new Recorder();
    expect(() => createBarrierHandler('exactly-twice' as CheckpointingMode, rec.options(1))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', option: 'checkpointingMode' }),
    );
  });
});

describe('BARRIER_HANDLER_TRANSITIONS', () => {
  it('only names known states, and every state can return to idle', () => {
    const states = Object.keys(BARRIER_HANDLER_TRANSITIONS);
    for (const [from, targets] of Object.entries(BARRIER_HANDLER_TRANSITIONS)) {
      for (const to of targets) expect(states).toContain(to);
      expect(targets).toContain('waiting-for-first-barrier');
      expect(targets).toContain(from);
    }
  });
});
