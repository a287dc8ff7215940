// An aligned exactly-once handler pauses each channel at its barrier and snapshots once all are in.
import { describe, expect, it } from 'vitest';
import { BarrierProtocolError } from '../../../../src/task/barrier/errors.ts';
import { ExactlyOnceBarrierHandler } from '../../../../src/task/barrier/exactly-once-handler.ts';
import { aligned, barrier, Recorder } from './harness.ts';

function setup(channels: number) {
  const rec = new Recorder();
  return { rec, handler: new ExactlyOnceBarrierHandler(rec.options(channels)) };
}

describe('ExactlyOnceBarrierHandler, aligned', () => {
  it('snapshots at once on a single input, without pausing it', () => {
    const { rec, handler } = setup(1);
    rec.advance(7);
    handler.onBarrier(0, barrier(1));
    expect(rec.take()).toEqual([['trigger', 1, aligned(0, 7)]]);
    expect(handler.state).toBe('waiting-for-first-barrier');
    expect(handler.pendingCheckpoints).toBe(0);
  });

  it('pauses the first channel, snapshots on the second barrier with the alignment time, then resumes', () => {
    const { rec, handler } = setup(2);
    rec.advance(3);
    handler.onBarrier(1, barrier(1));
    expect(rec.take()).toEqual([['pause', 1]]);
    expect(handler.state).toBe('collecting-barriers');
    rec.advance(25);
    handler.onBarrier(0, barrier(1));
    expect(rec.take()).toEqual([['trigger', 1, aligned(25, 3)], ['resumeAll']]);
    expect(handler.state).toBe('waiting-for-first-barrier');
  });

  it('with 4 inputs pauses each in arrival order and snapshots on the last', () => {
    const { rec, handler } = setup(4);
    for (const ch of [2, 0, 3]) {
      handler.onBarrier(ch, barrier(5));
      rec.advance(1);
    }
    expect(rec.take()).toEqual([
      ['pause', 2],
      ['pause', 0],
      ['pause', 3],
    ]);
    handler.onBarrier(1, barrier(5));
    expect(rec.take()).toEqual([['trigger', 5, aligned(3)], ['resumeAll']]);
  });

  it('passes on the first barrier received and clamps a negative start delay to 0', () => {
    const { rec, handler } = setup(2);
    const first = barrier(1, { ageMs: -50 }); // stamped in the future: clocks disagree
    handler.onBarrier(0, first);
    handler.onBarrier(1, barrier(1));
    expect(rec.triggered[0]).toBe(first);
    expect(rec.calls[1]).toEqual(['trigger', 1, aligned(0, 0)]);
  });

  it('handles consecutive checkpoints independently', () => {
    const { rec, handler } = setup(2);
    handler.onBarrier(0, barrier(1));
    handler.onBarrier(1, barrier(1));
    handler.onBarrier(1, barrier(2));
    handler.onBarrier(0, barrier(2));
    expect(rec.take().map((c) => c[0] + (c[1] ?? ''))).toEqual([
      'pause0',
      'trigger1',
      'resumeAll',
      'pause1',
      'trigger2',
      'resumeAll',
    ]);
  });

  describe('end of input', () => {
    it('counts an ended channel as having delivered every later barrier', () => {
      const { rec, handler } = setup(2);
      handler.onEndOfInput(1);
      handler.onBarrier(0, barrier(1));
      expect(rec.take()).toEqual([['trigger', 1, aligned(0)]]);
    });

    it('completes an alignment when the last missing channel ends', () => {
      const { rec, handler } = setup(3);
      handler.onBarrier(0, barrier(1));
      handler.onEndOfInput(2);
      expect(rec.take()).toEqual([['pause', 0]]);
      rec.advance(4);
      handler.onEndOfInput(1);
      expect(rec.take()).toEqual([['trigger', 1, aligned(4)], ['resumeAll']]);
    });

    it('changes nothing while idle, and ends of all but one input leave a single-input subtask', () => {
      const { rec, handler } = setup(4);
      handler.onEndOfInput(0);
      handler.onEndOfInput(3);
      handler.onEndOfInput(1);
      expect(rec.take()).toEqual([]);
      handler.onBarrier(2, barrier(9));
      expect(rec.take()).toEqual([['trigger', 9, aligned(0)]]);
    });
  });

  describe('stale and newer barriers', () => {
    it('ignores barriers of completed or older checkpoints', () => {
      const { rec, handler } = setup(2);
      handler.onBarrier(0, barrier(3));
      handler.onBarrier(1, barrier(3));
      rec.take();
      handler.onBarrier(0, barrier(2));
      handler.onBarrier(0, barrier(3));
      handler.onCancelBarrier(1, 3);
      handler.onCancelBarrier(1, 1);
      expect(rec.take()).toEqual([]);
      expect(handler.latestCheckpointId).toBe(3);
    });

    it('ignores an older barrier while aligning a newer one, keeping the alignment', () => {
      const { rec, handler } = setup(3);
      handler.onBarrier(0, barrier(4));
      handler.onBarrier(1, barrier(3));
      expect(rec.take()).toEqual([['pause', 0]]);
      handler.onBarrier(1, barrier(4));
      handler.onBarrier(2, barrier(4));
      expect(rec.take().map((c) => c[0])).toEqual(['pause', 'trigger', 'resumeAll']);
    });

    it('aborts the pending checkpoint as subsumed when a newer barrier arrives, and aligns the new one', () => {
      const { rec, handler } = setup(2);
      handler.onBarrier(0, barrier(1));
      expect(rec.take()).toEqual([['pause', 0]]);
      rec.advance(2);
      handler.onBarrier(1, barrier(2));
      expect(rec.take()).toEqual([['abort', 1, 'subsumed'], ['resumeAll'], ['pause', 1]]);
      rec.advance(5);
      handler.onBarrier(0, barrier(2));
      // Alignment of checkpoint 2 started at its own first barrier.
      expect(rec.take()).toEqual([['trigger', 2, aligned(5, 2)], ['resumeAll']]);
    });

    it('a newer barrier on the last missing of 4 channels aborts and restarts the alignment', () => {
      const { rec, handler } = setup(4);
      handler.onBarrier(0, barrier(1));
      handler.onBarrier(1, barrier(1));
      handler.onBarrier(2, barrier(1));
      rec.take();
      handler.onBarrier(3, barrier(2));
      expect(rec.take()).toEqual([['abort', 1, 'subsumed'], ['resumeAll'], ['pause', 3]]);
      expect(handler.state).toBe('collecting-barriers');
      expect(handler.latestCheckpointId).toBe(2);
    });
  });

  describe('cancellation barriers', () => {
    it('abort the checkpoint being aligned and resume everything; its later barriers are stale', () => {
      const { rec, handler } = setup(3);
      handler.onBarrier(0, barrier(1));
      handler.onCancelBarrier(1, 1);
      expect(rec.take()).toEqual([['pause', 0], ['abort', 1, 'cancelled'], ['resumeAll']]);
      handler.onBarrier(2, barrier(1));
      handler.onBarrier(1, barrier(1));
      handler.onCancelBarrier(2, 1);
      expect(rec.take()).toEqual([]);
      expect(handler.state).toBe('waiting-for-first-barrier');
    });

    it('for a future id abort the pending checkpoint, then the future one, whose barriers are then stale', () => {
      const { rec, handler } = setup(2);
      handler.onBarrier(0, barrier(1));
      handler.onCancelBarrier(1, 3);
      expect(rec.take()).toEqual([
        ['pause', 0],
        ['abort', 1, 'subsumed'],
        ['resumeAll'],
        ['abort', 3, 'cancelled'],
      ]);
      handler.onBarrier(0, barrier(2));
      handler.onBarrier(0, barrier(3));
      handler.onBarrier(1, barrier(3));
      expect(rec.take()).toEqual([]);
      handler.onBarrier(0, barrier(4));
      handler.onBarrier(1, barrier(4));
      expect(rec.take().map((c) => c[0])).toEqual(['pause', 'trigger', 'resumeAll']);
    });

    it('for a future id while idle abort that id only', () => {
      const { rec, handler } = setup(2);
      handler.onCancelBarrier(0, 7);
      expect(rec.take()).toEqual([['abort', 7, 'cancelled']]);
      expect(handler.latestCheckpointId).toBe(7);
      expect(handler.pendingCheckpoints).toBe(0);
    });

    it('on a single input abort nothing pending and leave the input alone', () => {
      const { rec, handler } = setup(1);
      handler.onCancelBarrier(0, 1);
      handler.onBarrier(0, barrier(1));
      expect(rec.take()).toEqual([['abort', 1, 'cancelled']]);
    });
  });

  describe('protocol violations', () => {
    it('rejects events after end of input, a second end, and unknown channels', () => {
      const { handler } = setup(2);
      handler.onEndOfInput(0);
      for (const act of [
        () => handler.onBarrier(0, barrier(1)),
        () => handler.onCancelBarrier(0, 1),
        () => handler.onEndOfInput(0),
        () => handler.onBarrier(2, barrier(1)),
        () => handler.onEndOfInput(-1),
      ]) {
        expect(act).toThrow(BarrierProtocolError);
        try {
          act();
        } catch (e) {
          expect(e).toMatchObject({ code: 'ERR_INTERNAL', classification: 'internal' });
        }
      }
    });

    it('rejects a channel delivering the same barrier twice', () => {
      const { handler } = setup(3);
      handler.onBarrier(0, barrier(1));
      expect(() => handler.onBarrier(0, barrier(1))).toThrow(/delivered the barrier of checkpoint 1 twice/);
    });
  });

  it('never times out without an aligned-checkpoint timeout', () => {
    const { rec, handler } = setup(2);
    handler.onBarrier(0, barrier(1));
    expect(handler.alignmentDeadline).toBe(Number.POSITIVE_INFINITY);
    rec.advance(1e9);
    handler.onAlignmentTimer();
    expect(rec.take()).toEqual([['pause', 0]]);
  });
});
