/**
 * The exactly-once barrier handler (Flink's `SingleCheckpointBarrierHandler`): one checkpoint in
 * flight at a time, aligned, unaligned, or aligned with a timeout that turns it unaligned.
 *
 * The handler makes the checkpoint-level decisions itself, in the order Flink does:
 * - a barrier older than the latest checkpoint seen, or of the latest one once it is completed or
 *   aborted, is stale and ignored;
 * - a barrier of a newer checkpoint aborts the pending one (`subsumed`) and starts the new one;
 * - a cancellation barrier of the pending checkpoint aborts it (`cancelled`); one of a future
 *   checkpoint aborts the pending one (`subsumed`), then the future one (`cancelled`), which makes
 *   its barriers stale when they come;
 * - end of input marks the channel as having delivered every later barrier.
 * What then happens to the channels is left to the current {@link BarrierHandlerState}, and every
 * state change is checked against {@link BARRIER_HANDLER_TRANSITIONS}.
 *
 * Thread: the subtask's thread only.
 */
import type { Barrier } from '../../channel/frame.ts';
import { IllegalStateTransitionError } from '../../job/errors.ts';
import {
  type BarrierHandler,
  type BarrierHandlerOptions,
  resolveBarrierHandlerOptions,
} from './barrier-handler.ts';
import { collectingBarriers } from './collecting-barriers.ts';
import { collectingBarriersUnaligned } from './collecting-barriers-unaligned.ts';
import type { BarrierHandlerContext, CheckpointAbortReason } from './context.ts';
import { BarrierController } from './controller.ts';
import { BarrierProtocolError } from './errors.ts';
import { InputChannels } from './input-channels.ts';
import {
  BARRIER_HANDLER_TRANSITIONS,
  type BarrierHandlerState,
  type BarrierHandlerStateName,
} from './state.ts';
import { waitingForFirstBarrier } from './waiting-for-first-barrier.ts';

/** Every state, by name: states return names, so they never import each other. */
const STATES: { readonly [Name in BarrierHandlerStateName]: BarrierHandlerState } = {
  'waiting-for-first-barrier': waitingForFirstBarrier,
  'collecting-barriers': collectingBarriers,
  'collecting-barriers-unaligned': collectingBarriersUnaligned,
};

/** Barrier handling for exactly-once checkpoints; see the file comment for the rules. */
export class ExactlyOnceBarrierHandler implements BarrierHandler {
  readonly #ctx: BarrierHandlerContext;
  readonly #channels: InputChannels;
  readonly #ctl: BarrierController;
  #state: BarrierHandlerState = waitingForFirstBarrier;
  #latestId = -1;

  constructor(options: BarrierHandlerOptions) {
    const o = resolveBarrierHandlerOptions(options);
    this.#ctx = o.context;
    this.#channels = new InputChannels(o.channels);
    this.#ctl = new BarrierController(
      o.context,
      o.channels,
      o.clock,
      o.wallClock,
      o.alignedCheckpointTimeoutMs,
    );
  }

  /** The current state's name (for metrics, logs and tests). */
  get state(): BarrierHandlerStateName {
    return this.#state.name;
  }

  get latestCheckpointId(): number {
    return this.#latestId;
  }

  get pendingCheckpoints(): number {
    return this.#state.pending ? 1 : 0;
  }

  get alignmentDeadline(): number {
    return this.#state.aligning ? this.#ctl.alignmentDeadline : Number.POSITIVE_INFINITY;
  }

  onBarrier(channel: number, barrier: Barrier): void {
    this.#channels.checkOpen(channel, 'barrier');
    const id = barrier.checkpointId;
    if (id < this.#latestId || (id === this.#latestId && !this.#state.pending)) return; // stale
    if (id > this.#latestId) {
      if (this.#state.pending) this.#abortPending('subsumed');
      this.#latestId = id;
      this.#ctl.begin(barrier, this.#channels.ended);
    }
    if (!this.#ctl.pending.mark(channel)) {
      throw new BarrierProtocolError(channel, `delivered the barrier of checkpoint ${id} twice`);
    }
    this.#enter(this.#state.barrierReceived(this.#ctl, channel));
  }

  onCancelBarrier(channel: number, checkpointId: number): void {
    this.#channels.checkOpen(channel, 'cancellation barrier');
    if (checkpointId < this.#latestId || (checkpointId === this.#latestId && !this.#state.pending)) return;
    if (checkpointId === this.#latestId) {
      this.#abortPending('cancelled');
      return;
    }
    if (this.#state.pending) this.#abortPending('subsumed');
    // Remember the future checkpoint as the latest seen, with nothing pending: its barriers are stale.
    this.#latestId = checkpointId;
    this.#ctx.abortCheckpoint(checkpointId, 'cancelled');
  }

  onEndOfInput(channel: number): void {
    this.#channels.end(channel);
    if (this.#state.pending && this.#ctl.pending.mark(channel)) {
      this.#enter(this.#state.endOfInputReceived(this.#ctl, channel));
    }
  }

  onAlignmentTimer(): void {
    if (this.#state.aligning && this.#ctl.timedOut) this.#enter(this.#state.alignmentTimeout(this.#ctl));
  }

  #abortPending(reason: CheckpointAbortReason): void {
    this.#ctx.abortCheckpoint(this.#latestId, reason);
    this.#enter(this.#state.abort(this.#ctl));
  }

  #enter(next: BarrierHandlerStateName): void {
    const from = this.#state.name;
    if (!BARRIER_HANDLER_TRANSITIONS[from].includes(next)) {
      throw new IllegalStateTransitionError('barrier handler', from, next);
    }
    this.#state = STATES[next];
  }
}
