/**
 * The states of the exactly-once barrier handler and, in one table, the transitions between them
 * (model: Flink's `BarrierHandlerState`). A state is a stateless singleton: each handler method
 * acts through the {@link BarrierController} and returns the name of the next state; the handler
 * checks the move against {@link BARRIER_HANDLER_TRANSITIONS} before taking it.
 *
 * Checkpoint-level decisions (is this barrier stale? does it subsume the pending checkpoint? does a
 * cancellation barrier abort it?) are made once, by the handler, before a state is asked; states
 * decide only what happens to the channels: pause, snapshot, resume, capture. A new way of
 * checkpointing (announced barriers, alternating aligned/unaligned, ...) is therefore a new state
 * file plus rows in the table below.
 */
import type { BarrierController } from './controller.ts';

/** Names of the exactly-once barrier handler's states. */
export type BarrierHandlerStateName =
  /** No checkpoint in flight; every channel is read. */
  | 'waiting-for-first-barrier'
  /** Aligning: channels that delivered the barrier are paused until the rest deliver theirs. */
  | 'collecting-barriers'
  /** Snapshot taken; nothing paused; in-flight records of late channels are being captured. */
  | 'collecting-barriers-unaligned';

/**
 * One state. The handler calls a method only after its own bookkeeping: `barrierReceived` and
 * `endOfInputReceived` with the channel already marked as delivered in `ctl.pending`, `abort`
 * after the subtask was told to abort, `alignmentTimeout` once the deadline has passed.
 */
export interface BarrierHandlerState {
  readonly name: BarrierHandlerStateName;
  /** Whether a checkpoint is in flight (its barriers are still being collected). */
  readonly pending: boolean;
  /** Whether channels are being held back, so that the aligned-checkpoint timeout applies. */
  readonly aligning: boolean;
  /** `channel` delivered the barrier of the pending checkpoint (the first one, in the idle state). */
  barrierReceived(ctl: BarrierController, channel: number): BarrierHandlerStateName;
  /** `channel` ended before delivering the pending checkpoint's barrier. */
  endOfInputReceived(ctl: BarrierController, channel: number): BarrierHandlerStateName;
  /** The pending checkpoint was aborted; the subtask has been told. */
  abort(ctl: BarrierController): BarrierHandlerStateName;
  /** The pending aligned checkpoint has been aligning for longer than its timeout. */
  alignmentTimeout(ctl: BarrierController): BarrierHandlerStateName;
}

/**
 * Every legal transition, self-loops included. Anything else is a bug and raises
 * `IllegalStateTransitionError`. Rendered as a table in docs/barrier-handling.md.
 */
export const BARRIER_HANDLER_TRANSITIONS: {
  readonly [From in BarrierHandlerStateName]: readonly BarrierHandlerStateName[];
} = {
  'waiting-for-first-barrier': [
    'waiting-for-first-barrier', // the first barrier was also the last: snapshot at once
    'collecting-barriers', // first aligned barrier: pause its channel
    'collecting-barriers-unaligned', // first barrier of an unaligned checkpoint (or timeout 0)
  ],
  'collecting-barriers': [
    'collecting-barriers', // another barrier, still some missing
    'waiting-for-first-barrier', // last barrier or end of input: snapshot, resume all; or aborted
    'collecting-barriers-unaligned', // alignment timed out: snapshot, resume all, capture the rest
  ],
  'collecting-barriers-unaligned': [
    'collecting-barriers-unaligned', // another barrier, still some channels capturing
    'waiting-for-first-barrier', // last barrier or end of input: capture complete; or aborted
  ],
};
