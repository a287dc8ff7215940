/**
 * The contract between a subtask's read loop and its barrier handler, the handler's options, and
 * their validation. Two implementations: {@link ExactlyOnceBarrierHandler} (aligned, unaligned,
 * aligned with timeout; a state machine) and {@link AtLeastOnceBarrierHandler} (counts barriers,
 * never pauses). {@link createBarrierHandler} picks one by checkpointing mode.
 *
 * Thread: a handler belongs to one subtask and is called only from that subtask's thread.
 */
import type { Barrier } from '../../channel/frame.ts';
import { InvalidOptionError } from '../../errors.ts';
import { type Clock, systemClock } from '../../util/clock.ts';
import type { BarrierHandlerContext } from './context.ts';

/**
 * Decides, from the control events of a subtask's input channels, when the subtask snapshots and
 * which channels it reads. Feed it every barrier, cancellation barrier and end of input, in the
 * order the input gate returned them; records never go through it.
 */
export interface BarrierHandler {
  /** `channel` delivered `barrier`. */
  onBarrier(channel: number, barrier: Barrier): void;
  /** `channel` delivered a cancellation barrier for `checkpointId`. */
  onCancelBarrier(channel: number, checkpointId: number): void;
  /** `channel` delivered end of input; it counts as having delivered every later barrier. */
  onEndOfInput(channel: number): void;
  /**
   * Monotonic ms (on the handler's clock) at which {@link onAlignmentTimer} must be called, or
   * `Infinity` when no alignment can time out. A subtask bounds its wait for input by it.
   */
  readonly alignmentDeadline: number;
  /** Call once the clock has reached {@link alignmentDeadline}; does nothing if not yet due. */
  onAlignmentTimer(): void;
  /** Highest checkpoint id seen in a barrier or cancellation barrier; -1 before any. */
  readonly latestCheckpointId: number;
  /** Number of checkpoints whose barriers are still being collected. */
  readonly pendingCheckpoints: number;
}

/** Options shared by both barrier handlers. */
export interface BarrierHandlerOptions {
  /** Number of input channels, in the input gate's order. */
  readonly channels: number;
  /** The subtask's side: pause/resume, snapshot, abort, capture. */
  readonly context: BarrierHandlerContext;
  /** Monotonic clock for alignment durations and timeouts; default `performance.now()`. */
  readonly clock?: Clock;
  /** Wall clock (ms since the epoch) for start delays, against barrier timestamps; default `Date.now()`. */
  readonly wallClock?: Clock;
  /**
   * Exactly-once only: an aligned checkpoint whose alignment lasts this long (ms from its first
   * barrier here) turns unaligned (Flink's `execution.checkpointing.aligned-checkpoint-timeout`);
   * 0 takes every checkpoint unaligned except savepoints. Default: never.
   */
  readonly alignedCheckpointTimeoutMs?: number;
  /**
   * At-least-once only: most checkpoints tracked at once; a newer one beyond it is aborted with
   * `too-many-pending`. Default {@link DEFAULT_MAX_PENDING_CHECKPOINTS}.
   */
  readonly maxPendingCheckpoints?: number;
}

/** Flink's `CheckpointBarrierTracker.MAX_CHECKPOINTS_TO_TRACK`. */
export const DEFAULT_MAX_PENDING_CHECKPOINTS = 50;

/** The system wall clock. */
const wallClock: Clock = { now: () => Date.now() };

/** {@link BarrierHandlerOptions} validated, with defaults filled in. */
export interface ResolvedBarrierHandlerOptions {
  readonly channels: number;
  readonly context: BarrierHandlerContext;
  readonly clock: Clock;
  readonly wallClock: Clock;
  readonly alignedCheckpointTimeoutMs: number;
  readonly maxPendingCheckpoints: number;
}

/** Validates `options` (throwing `InvalidOptionError` naming the option) and fills in defaults. */
export function resolveBarrierHandlerOptions(options: BarrierHandlerOptions): ResolvedBarrierHandlerOptions {
  const { channels, alignedCheckpointTimeoutMs, maxPendingCheckpoints } = options;
  if (!(Number.isInteger(channels) && channels > 0)) {
    throw new InvalidOptionError('channels', 'a positive integer', channels);
  }
  if (alignedCheckpointTimeoutMs !== undefined && !(alignedCheckpointTimeoutMs >= 0)) {
    throw new InvalidOptionError(
      'alignedCheckpointTimeoutMs',
      'a non-negative number',
      alignedCheckpointTimeoutMs,
    );
  }
  if (
    maxPendingCheckpoints !== undefined &&
    !(Number.isInteger(maxPendingCheckpoints) && maxPendingCheckpoints > 0)
  ) {
    throw new InvalidOptionError('maxPendingCheckpoints', 'a positive integer', maxPendingCheckpoints);
  }
  return {
    channels,
    context: options.context,
    clock: options.clock ?? systemClock,
    wallClock: options.wallClock ?? wallClock,
    alignedCheckpointTimeoutMs: alignedCheckpointTimeoutMs ?? Number.POSITIVE_INFINITY,
    maxPendingCheckpoints: maxPendingCheckpoints ?? DEFAULT_MAX_PENDING_CHECKPOINTS,
  };
}
