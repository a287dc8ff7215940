// The at-least-once handler never pauses, snapshots on the last barrier, and tracks concurrent checkpoints.
import { describe, expect, it } from 'vitest';
import { AtLeastOnceBarrierHandler } from '../../../../src/task/barrier/at-least-once-handler.ts';
import { BarrierProtocolError } from '../../../../src/task/barrier/errors.ts';
import { aligned, barrier, Recorder } from './harness.ts';

function setup(channels: number, maxPendingCheckpoints?: number) {
  const rec = new Recorder();
  const options =
    maxPendingCheckpoints === undefined
      ? rec.options(channels)
      : { ...rec.options(channels), maxPendingCheckpoints };
  return { rec, handler: new AtLeastOnceBarrierHandler(options) };
}

describe('AtLeastOnceBarrierHandler', () => {
  it('snapshots at once on a single input', () => {
    const { rec, handler } = setup(1);
    rec.advance(3);
    handler.onBarrier(0, barrier(1));
    expect(rec.take()).toEqual([['trigger', 1, aligned(0, 3)]]);
  });

  it('never pauses, and snapshots on the last of 4 barriers with the spread as alignment duration', () => {
    const { rec, handler } = setup(4);
    for (const ch of [3, 1, 0]) {
      handler.onBarrier(ch, barrier(1));
      rec.advance(2);
    }
    expect(rec.take()).toEqual([]);
    expect(handler.pendingCheckpoints).toBe(1);
    handler.onBarrier(2, barrier(1));
    expect(rec.take()).toEqual([['trigger', 1, aligned(6)]]);
    expect(handler.pendingCheckpoints).toBe(0);
    expect(handler.alignmentDeadline).toBe(Number.POSITIVE_INFINITY);
  });

  it('tracks several checkpoints when a fast channel runs ahead, completing them in order', () => {
    const { rec, handler } = setup(2);
    handler.onBarrier(0, barrier(1));
    handler.onBarrier(0, barrier(2));
    handler.onBarrier(0, barrier(3));
    expect(handler.pendingCheckpoints).toBe(3);
    handler.onBarrier(1, barrier(1));
    handler.onBarrier(1, barrier(2));
    handler.onBarrier(1, barrier(3));
    expect(rec.take().map((c) => [c[0], c[1]])).toEqual([
      ['trigger', 1],
      ['trigger', 2],
      ['trigger', 3],
    ]);
  });

  it('aborts a pending checkpoint as subsumed once a channel that lacks it moves past it', () => {
    const { rec, handler } = setup(3);
    handler.onBarrier(0, barrier(1));
    handler.onBarrier(0, barrier(2));
    handler.onBarrier(1, barrier(1));
    expect(rec.take()).toEqual([]);
    handler.onBarrier(2, barrier(2)); // channel 2 skipped 1: checkpoint 1 can never complete
    expect(rec.take()).toEqual([['abort', 1, 'subsumed']]);
    handler.onBarrier(1, barrier(2));
    expect(rec.take().map((c) => [c[0], c[1]])).toEqual([['trigger', 2]]);
  });

  it('ignores barriers of completed, aborted or skipped checkpoints', () => {
    const { rec, handler } = setup(2);
    handler.onBarrier(0, barrier(2));
    handler.onBarrier(1, barrier(2));
    rec.take();
    handler.onBarrier(0, barrier(1));
    handler.onBarrier(0, barrier(2));
    expect(rec.take()).toEqual([]);
    // Checkpoint 3 first seen on channel 1 after 4 started there: channel 1 skipped it, it is dead.
    handler.onBarrier(1, barrier(4));
    handler.onBarrier(0, barrier(3));
    expect(rec.take()).toEqual([]);
    expect(handler.pendingCheckpoints).toBe(1);
  });

  describe('cancellation barriers', () => {
    it('abort a pending checkpoint, whose later barriers are then stale', () => {
      const { rec, handler } = setup(3);
      handler.onBarrier(0, barrier(1));
      handler.onCancelBarrier(1, 1);
      expect(rec.take()).toEqual([['abort', 1, 'cancelled']]);
      handler.onBarrier(2, barrier(1));
      handler.onBarrier(1, barrier(1));
      handler.onCancelBarrier(2, 1);
      expect(rec.take()).toEqual([]);
      expect(handler.pendingCheckpoints).toBe(0);
    });

    it('for a future id abort it, and pending older ones the channel never delivered, but keep the rest', () => {
      const { rec, handler } = setup(2);
      handler.onBarrier(0, barrier(1));
      handler.onBarrier(1, barrier(1)); // completes 1
      handler.onBarrier(0, barrier(2));
      handler.onBarrier(1, barrier(2)); // completes 2
      handler.onBarrier(0, barrier(3));
      handler.onBarrier(0, barrier(4));
      rec.take();
      handler.onCancelBarrier(1, 5);
      expect(rec.take()).toEqual([
        ['abort', 3, 'subsumed'],
        ['abort', 4, 'subsumed'],
        ['abort', 5, 'cancelled'],
      ]);
      handler.onBarrier(0, barrier(5));
      expect(rec.take()).toEqual([]);
    });

    it('keep a pending older checkpoint the cancelling channel had already delivered', () => {
      const { rec, handler } = setup(3);
      handler.onBarrier(0, barrier(1));
      handler.onBarrier(1, barrier(1));
      handler.onCancelBarrier(1, 2);
      expect(rec.take()).toEqual([['abort', 2, 'cancelled']]);
      handler.onBarrier(2, barrier(1));
      expect(rec.take().map((c) => [c[0], c[1]])).toEqual([['trigger', 1]]);
    });
  });

  it('completes every pending checkpoint, oldest first, that waited only for a channel that ends', () => {
    const { rec, handler } = setup(3);
    handler.onBarrier(0, barrier(1));
    handler.onBarrier(1, barrier(1));
    handler.onBarrier(0, barrier(2));
    handler.onBarrier(1, barrier(2));
    handler.onBarrier(0, barrier(3));
    handler.onEndOfInput(2);
    expect(rec.take().map((c) => [c[0], c[1]])).toEqual([
      ['trigger', 1],
      ['trigger', 2],
    ]);
    handler.onBarrier(1, barrier(3));
    expect(rec.take().map((c) => [c[0], c[1]])).toEqual([['trigger', 3]]);
  });

  it('aborts a checkpoint beyond maxPendingCheckpoints as too-many-pending and ignores its barriers', () => {
    const { rec, handler } = setup(2, 2);
    handler.onBarrier(0, barrier(1));
    handler.onBarrier(0, barrier(2));
    handler.onBarrier(0, barrier(3));
    expect(rec.take()).toEqual([['abort', 3, 'too-many-pending']]);
    handler.onBarrier(1, barrier(1));
    handler.onBarrier(1, barrier(2));
    handler.onBarrier(1, barrier(3));
    expect(rec.take().map((c) => [c[0], c[1]])).toEqual([
      ['trigger', 1],
      ['trigger', 2],
    ]);
  });

  it('reuses its bookkeeping across many checkpoints without growing', () => {
    const { rec, handler } = setup(2);
    for (let id = 1; id <= 1000; id++) {
      handler.onBarrier(id % 2, barrier(id));
      handler.onBarrier(1 - (id % 2), barrier(id));
    }
    expect(rec.take().filter((c) => c[0] === 'trigger')).toHaveLength(1000);
    expect(handler.pendingCheckpoints).toBe(0);
  });

  it('rejects a duplicate barrier and events after end of input', () => {
    const { handler } = setup(2);
    handler.onBarrier(0, barrier(1));
    expect(() => handler.onBarrier(0, barrier(1))).toThrow(BarrierProtocolError);
    handler.onEndOfInput(1);
    expect(() => handler.onCancelBarrier(1, 2)).toThrow(BarrierProtocolError);
  });
});
