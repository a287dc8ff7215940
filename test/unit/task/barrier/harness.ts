// Test support: a barrier handler wired to a context that records every call, on manual clocks.
import type { Barrier } from '../../../../src/channel/frame.ts';
import type {
  BarrierHandlerContext,
  CheckpointAbortReason,
  SnapshotMetrics,
} from '../../../../src/task/barrier/context.ts';
import { ManualClock } from '../../../../src/util/clock.ts';

/** One call the handler made on its context. */
export type Call =
  | ['pause', number]
  | ['resumeAll']
  | ['trigger', number, SnapshotMetrics]
  | ['abort', number, CheckpointAbortReason]
  | ['startCapture', number, number]
  | ['stopCapture', number, number]
  | ['captureComplete', number];

/** Wall-clock origin of the tests: barriers are stamped relative to it. */
export const WALL_START = 1_700_000_000_000;

/** A context that records calls, plus the two manual clocks a handler needs. */
export class Recorder implements BarrierHandlerContext {
  readonly calls: Call[] = [];
  /** The barriers passed to triggerSnapshot, in order. */
  readonly triggered: Barrier[] = [];
  readonly clock = new ManualClock(100);
  readonly wallClock = new ManualClock(WALL_START);

  pause(channel: number): void {
    this.calls.push(['pause', channel]);
  }
  resumeAll(): void {
    this.calls.push(['resumeAll']);
  }
  triggerSnapshot(barrier: Barrier, metrics: SnapshotMetrics): void {
    this.triggered.push(barrier);
    this.calls.push(['trigger', barrier.checkpointId, metrics]);
  }
  abortCheckpoint(checkpointId: number, reason: CheckpointAbortReason): void {
    this.calls.push(['abort', checkpointId, reason]);
  }
  startCapture(channel: number, checkpointId: number): void {
    this.calls.push(['startCapture', channel, checkpointId]);
  }
  stopCapture(channel: number, checkpointId: number): void {
    this.calls.push(['stopCapture', channel, checkpointId]);
  }
  captureComplete(checkpointId: number): void {
    this.calls.push(['captureComplete', checkpointId]);
  }

  /** Moves both clocks forward together. */
  advance(ms: number): void {
    this.clock.advance(ms);
    this.wallClock.advance(ms);
  }

  /** Returns the calls made since the last `take` and forgets them. */
  take(): Call[] {
    return this.calls.splice(0);
  }

  /** Handler options using this recorder. */
  options(channels: number): {
    channels: number;
    context: Recorder;
    clock: ManualClock;
    wallClock: ManualClock;
  } {
    return { channels, context: this, clock: this.clock, wallClock: this.wallClock };
  }
}

/** A barrier of checkpoint `id`, stamped `ageMs` before the wall clock's start. */
export function barrier(
  id: number,
  flags: { unaligned?: boolean; savepoint?: boolean; ageMs?: number } = {},
): Barrier {
  return {
    checkpointId: id,
    timestamp: WALL_START - (flags.ageMs ?? 0),
    savepoint: flags.savepoint ?? false,
    unaligned: flags.unaligned ?? false,
  };
}

/** Metrics of an aligned snapshot. */
export function aligned(alignmentDurationMs: number, startDelayMs = 0): SnapshotMetrics {
  return { alignmentDurationMs, startDelayMs, unaligned: false };
}

/** Metrics of an unaligned snapshot. */
export function unaligned(alignmentDurationMs: number, startDelayMs = 0): SnapshotMetrics {
  return { alignmentDurationMs, startDelayMs, unaligned: true };
}
