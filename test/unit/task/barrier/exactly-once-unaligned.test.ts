// Unaligned barriers snapshot at once and capture late channels; an aligned timeout switches to that.
import { describe, expect, it } from 'vitest';
import { ExactlyOnceBarrierHandler } from '../../../../src/task/barrier/exactly-once-handler.ts';
import { aligned, barrier, Recorder, unaligned } from './harness.ts';

function setup(channels: number, alignedCheckpointTimeoutMs?: number) {
  const rec = new Recorder();
  const options =
    alignedCheckpointTimeoutMs === undefined
      ? rec.options(channels)
      : { ...rec.options(channels), alignedCheckpointTimeoutMs };
  return { rec, handler: new ExactlyOnceBarrierHandler(options) };
}

describe('ExactlyOnceBarrierHandler, unaligned barriers', () => {
  it('snapshot at the first barrier, capture every other open channel until its barrier or end', () => {
    const { rec, handler } = setup(4);
    handler.onEndOfInput(3);
    rec.advance(2);
    handler.onBarrier(1, barrier(1, { unaligned: true }));
    expect(rec.take()).toEqual([
      ['trigger', 1, unaligned(0, 2)],
      ['startCapture', 0, 1],
      ['startCapture', 2, 1],
    ]);
    expect(handler.state).toBe('collecting-barriers-unaligned');
    handler.onBarrier(2, barrier(1, { unaligned: true }));
    expect(rec.take()).toEqual([['stopCapture', 2, 1]]);
    handler.onEndOfInput(0);
    expect(rec.take()).toEqual([
      ['stopCapture', 0, 1],
      ['captureComplete', 1],
    ]);
    expect(handler.state).toBe('waiting-for-first-barrier');
  });

  it('take a single-input checkpoint as aligned: there is nothing in flight to capture', () => {
    const { rec, handler } = setup(1);
    handler.onBarrier(0, barrier(1, { unaligned: true }));
    expect(rec.take()).toEqual([['trigger', 1, aligned(0)]]);
  });

  it('never apply to savepoints, which are always aligned', () => {
    const { rec, handler } = setup(2);
    handler.onBarrier(0, barrier(1, { unaligned: true, savepoint: true }));
    expect(rec.take()).toEqual([['pause', 0]]);
  });

  it('are aborted as subsumed by a newer barrier from a channel that already delivered (nothing paused)', () => {
    const { rec, handler } = setup(2);
    handler.onBarrier(0, barrier(1, { unaligned: true }));
    rec.take();
    handler.onBarrier(0, barrier(2, { unaligned: true }));
    expect(rec.take()).toEqual([
      ['abort', 1, 'subsumed'],
      ['trigger', 2, unaligned(0)],
      ['startCapture', 1, 2],
    ]);
  });

  it('are aborted by a cancellation barrier without resuming anything', () => {
    const { rec, handler } = setup(2);
    handler.onBarrier(0, barrier(1, { unaligned: true }));
    rec.take();
    handler.onCancelBarrier(1, 1);
    expect(rec.take()).toEqual([['abort', 1, 'cancelled']]);
    expect(handler.state).toBe('waiting-for-first-barrier');
  });
});

describe('ExactlyOnceBarrierHandler, aligned-checkpoint timeout', () => {
  it('exposes the deadline while aligning and switches to unaligned when the timer fires after it', () => {
    const { rec, handler } = setup(3, 10);
    expect(handler.alignmentDeadline).toBe(Number.POSITIVE_INFINITY);
    handler.onBarrier(0, barrier(1, { ageMs: 4 }));
    expect(rec.take()).toEqual([['pause', 0]]);
    expect(handler.alignmentDeadline).toBe(rec.clock.now() + 10);
    rec.advance(9);
    handler.onAlignmentTimer();
    expect(rec.take()).toEqual([]);
    rec.advance(1);
    handler.onAlignmentTimer();
    expect(rec.take()).toEqual([
      ['trigger', 1, unaligned(10, 4)],
      ['startCapture', 1, 1],
      ['startCapture', 2, 1],
      ['resumeAll'],
    ]);
    // The forwarded barrier is flagged unaligned, so downstream does not align a late checkpoint.
    expect(rec.triggered[0]).toMatchObject({ checkpointId: 1, unaligned: true });
    expect(handler.alignmentDeadline).toBe(Number.POSITIVE_INFINITY);
    handler.onBarrier(2, barrier(1));
    handler.onBarrier(1, barrier(1));
    expect(rec.take()).toEqual([
      ['stopCapture', 2, 1],
      ['stopCapture', 1, 1],
      ['captureComplete', 1],
    ]);
  });

  it('is also noticed when a barrier arrives after the deadline', () => {
    const { rec, handler } = setup(3, 10);
    handler.onBarrier(0, barrier(1));
    rec.advance(15);
    handler.onBarrier(1, barrier(1));
    expect(rec.take()).toEqual([
      ['pause', 0],
      ['trigger', 1, unaligned(15)],
      ['startCapture', 2, 1],
      ['resumeAll'],
    ]);
  });

  it('does not apply when the last barrier arrives after the deadline: the checkpoint is simply aligned', () => {
    const { rec, handler } = setup(2, 10);
    handler.onBarrier(0, barrier(1));
    rec.advance(15);
    handler.onBarrier(1, barrier(1));
    expect(rec.take()).toEqual([['pause', 0], ['trigger', 1, aligned(15)], ['resumeAll']]);
  });

  it('of 0 takes every multi-input checkpoint unaligned from its first barrier', () => {
    const { rec, handler } = setup(2, 0);
    handler.onBarrier(1, barrier(1));
    expect(rec.take()).toEqual([
      ['trigger', 1, unaligned(0)],
      ['startCapture', 0, 1],
    ]);
  });

  it('never applies to savepoints', () => {
    const { rec, handler } = setup(2, 10);
    handler.onBarrier(0, barrier(1, { savepoint: true }));
    expect(handler.alignmentDeadline).toBe(Number.POSITIVE_INFINITY);
    rec.advance(100);
    handler.onAlignmentTimer();
    handler.onBarrier(1, barrier(1, { savepoint: true }));
    expect(rec.take()).toEqual([['pause', 0], ['trigger', 1, aligned(100)], ['resumeAll']]);
  });

  it('does nothing when the timer fires with no alignment in progress', () => {
    const { rec, handler } = setup(2, 10);
    rec.advance(100);
    handler.onAlignmentTimer();
    handler.onBarrier(0, barrier(1));
    handler.onBarrier(1, barrier(1));
    rec.advance(100);
    handler.onAlignmentTimer();
    expect(rec.take().map((c) => c[0])).toEqual(['pause', 'trigger', 'resumeAll']);
  });
});
