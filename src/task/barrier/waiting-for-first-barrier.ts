/**
 * Idle state of the exactly-once handler: no checkpoint in flight, every channel read. The first
 * barrier of a checkpoint either completes it at once (single open input), starts an unaligned
 * snapshot, or pauses its channel and starts aligning.
 */
import type { BarrierController } from './controller.ts';
import type { BarrierHandlerState, BarrierHandlerStateName } from './state.ts';

/** The idle state (Flink's `WaitingForFirstBarrier`). */
export const waitingForFirstBarrier: BarrierHandlerState = {
  name: 'waiting-for-first-barrier',
  pending: false,
  aligning: false,

  barrierReceived(ctl: BarrierController, channel: number): BarrierHandlerStateName {
    if (ctl.allBarriersReceived) {
      ctl.triggerAligned(); // nothing was paused, so nothing to resume
      return 'waiting-for-first-barrier';
    }
    if (ctl.startsUnaligned || ctl.timedOut) {
      ctl.triggerUnaligned();
      return 'collecting-barriers-unaligned';
    }
    ctl.pause(channel);
    return 'collecting-barriers';
  },

  // Nothing is in flight, so these events change nothing here.
  endOfInputReceived: () => 'waiting-for-first-barrier',
  abort: () => 'waiting-for-first-barrier',
  alignmentTimeout: () => 'waiting-for-first-barrier',
};
