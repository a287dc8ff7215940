/**
 * The at-least-once barrier handler (Flink's `CheckpointBarrierTracker`): never pauses a channel;
 * counts the barriers of each checkpoint and snapshots when the last one arrives. Records that a
 * fast channel delivers after its barrier are processed before the snapshot, so after a restore
 * they are replayed and counted again: at least once.
 *
 * Because nothing is held back, a channel may deliver barriers of several checkpoints before a slow
 * one delivers the first, so several checkpoints can be in flight (up to `maxPendingCheckpoints`,
 * ordered by id). Channels are FIFO and ids increase, so once a channel delivers a barrier or a
 * cancellation barrier of checkpoint k, it will never deliver the barrier of an older one: every
 * pending checkpoint older than k that this channel had not delivered yet can no longer complete
 * and is aborted as `subsumed` at once. A barrier of a checkpoint older than the latest seen that is
 * not pending is stale (completed, aborted, or already dead) and ignored.
 *
 * Thread: the subtask's thread only.
 */
import type { Barrier } from '../../channel/frame.ts';
import type { Clock } from '../../util/clock.ts';
import {
  type BarrierHandler,
  type BarrierHandlerOptions,
  resolveBarrierHandlerOptions,
} from './barrier-handler.ts';
import type { BarrierHandlerContext } from './context.ts';
import { BarrierProtocolError } from './errors.ts';
import { InputChannels } from './input-channels.ts';
import { PendingBarriers } from './pending-barriers.ts';

/** Barrier handling for at-least-once checkpoints; see the file comment for the rules. */
export class AtLeastOnceBarrierHandler implements BarrierHandler {
  readonly #ctx: BarrierHandlerContext;
  readonly #channels: InputChannels;
  readonly #clock: Clock;
  readonly #wallClock: Clock;
  readonly #maxPending: number;
  /** Checkpoints in flight, ascending by id. */
  readonly #pending: PendingBarriers[] = [];
  /** Finished entries kept for reuse, so that steady-state checkpointing allocates none. */
  readonly #free: PendingBarriers[] = [];
  #latestId = -1;

  constructor(options: BarrierHandlerOptions) {
    const o = resolveBarrierHandlerOptions(options);
    this.#ctx = o.context;
    this.#channels = new InputChannels(o.channels);
    this.#clock = o.clock;
    this.#wallClock = o.wallClock;
    this.#maxPending = o.maxPendingCheckpoints;
  }

  get latestCheckpointId(): number {
    return this.#latestId;
  }

  get pendingCheckpoints(): number {
    return this.#pending.length;
  }

  /** Nothing is ever held back, so nothing times out. */
  get alignmentDeadline(): number {
    return Number.POSITIVE_INFINITY;
  }

  onAlignmentTimer(): void {}

  onBarrier(channel: number, barrier: Barrier): void {
    this.#channels.checkOpen(channel, 'barrier');
    const id = barrier.checkpointId;
    this.#abortPassed(channel, id);
    let index = this.#indexOf(id);
    if (index < 0) {
      if (id <= this.#latestId) return; // stale
      this.#latestId = id;
      if (this.#pending.length >= this.#maxPending) {
        this.#ctx.abortCheckpoint(id, 'too-many-pending');
        return;
      }
      const entry = this.#free.pop() ?? new PendingBarriers(this.#channels.size);
      entry.start(barrier, this.#channels.ended, this.#clock.now(), this.#wallClock.now());
      index = this.#pending.push(entry) - 1; // newest id, so it goes last
    }
    const entry = this.#pending[index]!;
    if (!entry.mark(channel)) {
      throw new BarrierProtocolError(channel, `delivered the barrier of checkpoint ${id} twice`);
    }
    if (entry.complete) this.#trigger(index);
  }

  onCancelBarrier(channel: number, checkpointId: number): void {
    this.#channels.checkOpen(channel, 'cancellation barrier');
    this.#abortPassed(channel, checkpointId);
    const index = this.#indexOf(checkpointId);
    if (index >= 0) {
      this.#release(index);
    } else if (checkpointId > this.#latestId) {
      this.#latestId = checkpointId; // its barriers, when they come, are stale
    } else {
      return; // already completed or aborted
    }
    this.#ctx.abortCheckpoint(checkpointId, 'cancelled');
  }

  onEndOfInput(channel: number): void {
    this.#channels.end(channel);
    // Ascending order: older checkpoints complete (and snapshot) first.
    for (let i = 0; i < this.#pending.length; ) {
      const entry = this.#pending[i]!;
      if (entry.mark(channel) && entry.complete) this.#trigger(i);
      else i++;
    }
  }

  /** Aborts every pending checkpoint older than `id` that `channel` has not delivered. */
  #abortPassed(channel: number, id: number): void {
    for (let i = 0; i < this.#pending.length; ) {
      const entry = this.#pending[i]!;
      if (entry.checkpointId >= id) return;
      if (entry.has(channel)) {
        i++;
        continue;
      }
      const dead = entry.checkpointId;
      this.#release(i);
      this.#ctx.abortCheckpoint(dead, 'subsumed');
    }
  }

  #trigger(index: number): void {
    const entry = this.#pending[index]!;
    const barrier = entry.barrier;
    const metrics = entry.metrics(this.#clock.now(), false);
    this.#release(index);
    this.#ctx.triggerSnapshot(barrier, metrics);
  }

  /** Removes entry `index` (keeping the order) and keeps it for reuse; no array is allocated. */
  #release(index: number): void {
    const pending = this.#pending;
    this.#free.push(pending[index]!);
    for (let i = index + 1; i < pending.length; i++) pending[i - 1] = pending[i]!;
    pending.length--;
  }

  #indexOf(id: number): number {
    const pending = this.#pending;
    for (let i = 0; i < pending.length; i++) if (pending[i]!.checkpointId === id) return i;
    return -1;
  }
}
