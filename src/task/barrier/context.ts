/**
 * What a barrier handler asks of its subtask: the effects it may cause ({@link BarrierHandlerContext})
 * and the values it passes along ({@link SnapshotMetrics}, {@link CheckpointAbortReason}).
 *
 * Thread: the subtask's own thread. Every call is synchronous and made from inside one of the
 * handler's `on*` methods, so the subtask observes them in order before it reads its next event.
 */
import type { Barrier } from '../../channel/frame.ts';

/**
 * Why a subtask gives up on a checkpoint; a closed set, as Flink's `CheckpointFailureReason`
 * values `CHECKPOINT_DECLINED_SUBSUMED`, `CHECKPOINT_DECLINED_ON_CANCELLATION_BARRIER` and
 * `TOO_MANY_CHECKPOINT_REQUESTS`.
 * - `subsumed`: an input moved past the checkpoint (delivered a barrier or a cancellation barrier of
 *   a newer one) before delivering its barrier, so the checkpoint can no longer complete here;
 * - `cancelled`: an input delivered a cancellation barrier for it (some upstream declined it);
 * - `too-many-pending`: at-least-once only, more checkpoints were in flight than the handler tracks.
 */
export type CheckpointAbortReason = 'subsumed' | 'cancelled' | 'too-many-pending';

/** Measurements a subtask reports with its acknowledgement (Flink's checkpoint metrics). */
export interface SnapshotMetrics {
  /**
   * Monotonic ms from the first barrier of the checkpoint reaching this subtask to the snapshot:
   * how long inputs were held back (aligned), or how long the barriers were spread out
   * (at-least-once, nothing held back). 0 when the first barrier was also the last.
   */
  readonly alignmentDurationMs: number;
  /** Wall-clock ms from the checkpoint's trigger (the barrier's timestamp) to the first barrier here. */
  readonly startDelayMs: number;
  /**
   * True when the snapshot was taken before every barrier arrived, with in-flight records still to
   * be captured as channel state (an unaligned checkpoint, or an aligned one that timed out).
   */
  readonly unaligned: boolean;
}

/**
 * The subtask side of a barrier handler. All methods are required; a subtask that never runs
 * unaligned checkpoints may implement the capture methods by throwing, since they are called only
 * for barriers flagged `unaligned` or when `alignedCheckpointTimeoutMs` is set.
 */
export interface BarrierHandlerContext {
  /** Stop reading input `channel`; its data stays in its ring (`InputGate.pause`). */
  pause(channel: number): void;
  /** Resume reading every input channel (`InputGate.resumeAll`). */
  resumeAll(): void;
  /**
   * Take the checkpoint now: snapshot operator and keyed state, forward `barrier` to every output,
   * and acknowledge with `metrics` once the asynchronous part (and, when `metrics.unaligned`, the
   * channel state, see {@link captureComplete}) is done.
   */
  triggerSnapshot(barrier: Barrier, metrics: SnapshotMetrics): void;
  /**
   * Give up on checkpoint `checkpointId`: forward a cancellation barrier for it to every output,
   * decline it to the coordinator with `reason`, and drop anything captured for it. May name a
   * checkpoint this subtask never started (a cancellation barrier for a future id).
   */
  abortCheckpoint(checkpointId: number, reason: CheckpointAbortReason): void;
  /**
   * Unaligned only: from now on, every record read from `channel` is processed as usual and also
   * appended to the channel state of `checkpointId` (it was in flight when the snapshot was taken).
   */
  startCapture(channel: number, checkpointId: number): void;
  /** Unaligned only: `channel` delivered its barrier (or ended); stop capturing it. */
  stopCapture(channel: number, checkpointId: number): void;
  /** Unaligned only: every channel's in-flight records are captured; the acknowledgement may go. */
  captureComplete(checkpointId: number): void;
}
