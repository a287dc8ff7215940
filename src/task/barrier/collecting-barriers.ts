/**
 * Aligning state of the exactly-once handler: every channel that delivered the pending barrier is
 * paused (its records stay in its ring, so they belong after the snapshot) until the others deliver
 * theirs or end. Then the snapshot is taken and every channel resumed. If alignment outlasts the
 * aligned-checkpoint timeout, the checkpoint turns unaligned instead.
 */
import type { BarrierController } from './controller.ts';
import type { BarrierHandlerState, BarrierHandlerStateName } from './state.ts';

/** Snapshots if the alignment is complete or has timed out; null if it must go on. */
function finishIfDone(ctl: BarrierController): BarrierHandlerStateName | null {
  if (ctl.allBarriersReceived) {
    ctl.triggerAligned(); // snapshot (and forward the barrier) before any held-back record is read
    ctl.resumeAll();
    return 'waiting-for-first-barrier';
  }
  return ctl.timedOut ? switchToUnaligned(ctl) : null;
}

/** Snapshot now, capture the late channels' in-flight records, and stop holding anything back. */
function switchToUnaligned(ctl: BarrierController): BarrierHandlerStateName {
  ctl.triggerUnaligned();
  ctl.resumeAll();
  return 'collecting-barriers-unaligned';
}

/** The aligning state (Flink's `CollectingBarriers`). */
export const collectingBarriers: BarrierHandlerState = {
  name: 'collecting-barriers',
  pending: true,
  aligning: true,

  barrierReceived(ctl: BarrierController, channel: number): BarrierHandlerStateName {
    const next = finishIfDone(ctl);
    if (next !== null) return next;
    ctl.pause(channel);
    return 'collecting-barriers';
  },

  endOfInputReceived(ctl: BarrierController): BarrierHandlerStateName {
    return finishIfDone(ctl) ?? 'collecting-barriers';
  },

  abort(ctl: BarrierController): BarrierHandlerStateName {
    ctl.resumeAll();
    return 'waiting-for-first-barrier';
  },

  alignmentTimeout: switchToUnaligned,
};
