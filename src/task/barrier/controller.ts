/**
 * The one door through which barrier-handler states act (Flink's `BarrierHandlerState.Controller`):
 * the bookkeeping of the checkpoint in flight and the subtask effects, with metrics and timeouts
 * computed in one place so that no state repeats them. States hold no data of their own; they are
 * stateless singletons that read and act through this controller.
 */
import type { Barrier } from '../../channel/frame.ts';
import type { Clock } from '../../util/clock.ts';
import type { BarrierHandlerContext } from './context.ts';
import { PendingBarriers } from './pending-barriers.ts';

/** Effects and bookkeeping available to barrier-handler states. */
export class BarrierController {
  /** The checkpoint being aligned, with the channels that delivered its barrier. */
  readonly pending: PendingBarriers;
  readonly #ctx: BarrierHandlerContext;
  readonly #clock: Clock;
  readonly #wallClock: Clock;
  readonly #alignedTimeoutMs: number;

  /**
   * @param alignedTimeoutMs switch an aligned checkpoint to unaligned after this long; `Infinity`
   * never switches.
   */
  constructor(
    ctx: BarrierHandlerContext,
    channels: number,
    clock: Clock,
    wallClock: Clock,
    alignedTimeoutMs: number,
  ) {
    this.pending = new PendingBarriers(channels);
    this.#ctx = ctx;
    this.#clock = clock;
    this.#wallClock = wallClock;
    this.#alignedTimeoutMs = alignedTimeoutMs;
  }

  /** Starts tracking `barrier`'s checkpoint; ended channels count as delivered. */
  begin(barrier: Barrier, ended: Uint8Array): void {
    this.pending.start(barrier, ended, this.#clock.now(), this.#wallClock.now());
  }

  /** Whether every input delivered the pending barrier or ended. */
  get allBarriersReceived(): boolean {
    return this.pending.complete;
  }

  /** Whether the pending checkpoint must be taken unaligned from its first barrier on. */
  get startsUnaligned(): boolean {
    const b = this.pending.barrier;
    return b.unaligned && !b.savepoint;
  }

  /**
   * Monotonic ms at which the pending aligned checkpoint times out and turns unaligned; `Infinity`
   * for savepoints (always aligned) or when no timeout is configured.
   */
  get alignmentDeadline(): number {
    if (this.pending.barrier.savepoint) return Number.POSITIVE_INFINITY;
    return this.pending.firstArrival + this.#alignedTimeoutMs;
  }

  /** Whether the pending aligned checkpoint has been aligning for its timeout or longer. */
  get timedOut(): boolean {
    return this.#clock.now() >= this.alignmentDeadline;
  }

  /** Holds `channel` back until the alignment ends. */
  pause(channel: number): void {
    this.#ctx.pause(channel);
  }

  /** Releases every held-back channel. */
  resumeAll(): void {
    this.#ctx.resumeAll();
  }

  /** Snapshots now, with every barrier in: an aligned (or at-least-once) checkpoint. */
  triggerAligned(): void {
    this.#ctx.triggerSnapshot(this.pending.barrier, this.pending.metrics(this.#clock.now(), false));
  }

  /**
   * Snapshots now, before some barriers arrived, and starts capturing the in-flight records of
   * every channel still missing its barrier. The forwarded barrier is flagged unaligned (as Flink's
   * `asUnaligned`), so that downstream subtasks do not align a checkpoint that is already late.
   */
  triggerUnaligned(): void {
    const pending = this.pending;
    const barrier = pending.barrier;
    const forwarded = barrier.unaligned ? barrier : { ...barrier, unaligned: true };
    this.#ctx.triggerSnapshot(forwarded, pending.metrics(this.#clock.now(), true));
    const id = barrier.checkpointId;
    for (let channel = 0; channel < pending.size; channel++) {
      if (!pending.has(channel)) this.#ctx.startCapture(channel, id);
    }
  }

  /** `channel`'s barrier arrived (or it ended): its in-flight records are all captured. */
  stopCapture(channel: number): void {
    this.#ctx.stopCapture(channel, this.pending.checkpointId);
  }

  /** Every channel's in-flight records are captured. */
  captureComplete(): void {
    this.#ctx.captureComplete(this.pending.checkpointId);
  }
}
