/**
 * Unaligned state of the exactly-once handler: the snapshot is already taken and nothing is paused.
 * Records still arriving on a channel before its barrier were in flight at the snapshot; the
 * subtask processes them and also captures them as the checkpoint's channel state, channel by
 * channel, until every channel has delivered its barrier or ended.
 */
import type { BarrierController } from './controller.ts';
import type { BarrierHandlerState, BarrierHandlerStateName } from './state.ts';

/** `channel` will carry no more in-flight records of this checkpoint. */
function channelCaptured(ctl: BarrierController, channel: number): BarrierHandlerStateName {
  ctl.stopCapture(channel);
  if (!ctl.allBarriersReceived) return 'collecting-barriers-unaligned';
  ctl.captureComplete();
  return 'waiting-for-first-barrier';
}

/** The unaligned collecting state (Flink's `CollectingBarriersUnaligned`). */
export const collectingBarriersUnaligned: BarrierHandlerState = {
  name: 'collecting-barriers-unaligned',
  pending: true,
  aligning: false,
  barrierReceived: channelCaptured,
  // An ended channel delivered all its records before the end: nothing more to capture.
  endOfInputReceived: channelCaptured,
  // The subtask drops the captured channel state when told to abort; nothing is paused.
  abort: () => 'waiting-for-first-barrier',
  alignmentTimeout: () => 'collecting-barriers-unaligned',
};
