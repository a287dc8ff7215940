/**
 * The barriers of one checkpoint that a subtask has received so far: which channels delivered it,
 * when the first arrived, and the metrics of its snapshot. Both barrier handlers use it, the
 * exactly-once one for its single checkpoint in flight, the at-least-once tracker for each of its
 * concurrent ones. Instances are reused across checkpoints, so handling a barrier allocates nothing
 * but the metrics object of a snapshot.
 */
import type { Barrier } from '../../channel/frame.ts';
import type { SnapshotMetrics } from './context.ts';

const NO_BARRIER: Barrier = Object.freeze({
  checkpointId: -1,
  timestamp: 0,
  savepoint: false,
  unaligned: false,
});

/** Barrier bookkeeping of one checkpoint over a fixed number of input channels. */
export class PendingBarriers {
  readonly #received: Uint8Array;
  #count = 0;
  #barrier: Barrier = NO_BARRIER;
  #firstArrival = 0;
  #startDelayMs = 0;

  constructor(channels: number) {
    this.#received = new Uint8Array(channels);
  }

  /**
   * Starts tracking `barrier`'s checkpoint. Channels marked in `ended` count as having delivered it:
   * a channel that ended will deliver nothing, so waiting for it would wait forever.
   * @param now monotonic ms of the first barrier's arrival.
   * @param wallNow wall-clock ms (epoch) of the same instant, for the start delay.
   */
  start(barrier: Barrier, ended: Uint8Array, now: number, wallNow: number): void {
    this.#barrier = barrier;
    this.#received.set(ended);
    let count = 0;
    for (let i = 0; i < ended.length; i++) count += ended[i]!;
    this.#count = count;
    this.#firstArrival = now;
    this.#startDelayMs = Math.max(0, wallNow - barrier.timestamp);
  }

  /** The first barrier received for this checkpoint (id -1 before the first {@link start}). */
  get barrier(): Barrier {
    return this.#barrier;
  }

  /** The checkpoint's id. */
  get checkpointId(): number {
    return this.#barrier.checkpointId;
  }

  /** Monotonic ms at which the first barrier arrived. */
  get firstArrival(): number {
    return this.#firstArrival;
  }

  /** Number of input channels. */
  get size(): number {
    return this.#received.length;
  }

  /** Whether `channel` has delivered the barrier (or ended). */
  has(channel: number): boolean {
    return this.#received[channel] === 1;
  }

  /** Marks `channel` as delivered; false if it already was. */
  mark(channel: number): boolean {
    if (this.#received[channel] === 1) return false;
    this.#received[channel] = 1;
    this.#count++;
    return true;
  }

  /** Whether every channel has delivered the barrier or ended. */
  get complete(): boolean {
    return this.#count === this.#received.length;
  }

  /** The metrics of a snapshot taken at monotonic time `now`. */
  metrics(now: number, unaligned: boolean): SnapshotMetrics {
    return {
      alignmentDurationMs: Math.max(0, now - this.#firstArrival),
      startDelayMs: this.#startDelayMs,
      unaligned,
    };
  }
}
