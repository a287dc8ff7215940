/**
 * Decides whether a checkpoint may be triggered now (Flink's `CheckpointRequestDecider`). It is
 * pure: the coordinator describes its situation (checkpoints in progress, queued manual requests,
 * when the last periodic checkpoint was triggered and the last checkpoint ended), the decider reads
 * the injected clock and answers, and the coordinator carries the answer out. Tests drive it with a
 * `ManualClock`.
 *
 * Rules, in order:
 * 1. Queued manual requests (checkpoints and savepoints) come first and are never dropped: with a
 *    free slot (fewer than `maxConcurrent` in progress) the oldest is triggered at once; otherwise
 *    they stay queued until a checkpoint ends. The minimum pause does not apply to them (as in
 *    Flink: someone is waiting for them).
 * 2. A periodic checkpoint needs a free slot and, when a minimum pause is set, no checkpoint in
 *    progress (the pause runs from the end of the previous checkpoint, so with a pause at most one
 *    is ever in progress, as in Flink).
 * 3. It is due `intervalMs` after the previous periodic trigger (or after periodic triggering
 *    started) and `minPauseMs` after the last checkpoint ended, whichever is later.
 */
import type { Clock } from '../util/clock.ts';

/** The part of the configuration the decider needs. */
export interface RequestDeciderSettings {
  /** Periodic interval in ms; `null` when periodic checkpointing is off. */
  readonly intervalMs: number | null;
  readonly minPauseMs: number;
  readonly maxConcurrent: number;
}

/** The coordinator's situation, as the decider sees it. */
export interface RequestDeciderInput {
  /** Checkpoints triggered and not yet ended (including those writing their metadata). */
  readonly pendingCount: number;
  /** Manual requests waiting for a slot. */
  readonly queuedManual: number;
  /**
   * Clock time of the last periodic trigger, or when periodic triggering started; `undefined` when
   * periodic triggering is stopped.
   */
  readonly periodicSince: number | undefined;
  /** Clock time the last checkpoint ended (completed or failed), if any did. */
  readonly lastEndedAt: number | undefined;
}

/** What to do now. */
export type CheckpointDecision =
  /** Trigger a checkpoint now: the oldest queued manual request, or a periodic one. */
  | { readonly kind: 'trigger'; readonly request: 'manual' | 'periodic' }
  /** Nothing may be triggered before clock time `time`; ask again then. */
  | { readonly kind: 'wait-until'; readonly time: number }
  /** No free slot: requests wait (manual ones in the queue); ask again when a checkpoint ends. */
  | { readonly kind: 'queue' }
  /** Nothing to trigger: no queued request and periodic triggering off. */
  | { readonly kind: 'idle' };

/** Decides when the next checkpoint may start. */
export class CheckpointRequestDecider {
  readonly #settings: RequestDeciderSettings;
  readonly #clock: Clock;

  constructor(settings: RequestDeciderSettings, clock: Clock) {
    this.#settings = settings;
    this.#clock = clock;
  }

  /** The decision for `input` at the clock's current time. */
  decide(input: RequestDeciderInput): CheckpointDecision {
    const { intervalMs, minPauseMs, maxConcurrent } = this.#settings;
    const slotFree = input.pendingCount < maxConcurrent;
    if (input.queuedManual > 0) return slotFree ? TRIGGER_MANUAL : QUEUE;
    if (intervalMs === null || input.periodicSince === undefined) return IDLE;
    if (!slotFree || (minPauseMs > 0 && input.pendingCount > 0)) return QUEUE;
    let due = input.periodicSince + intervalMs;
    if (input.lastEndedAt !== undefined) due = Math.max(due, input.lastEndedAt + minPauseMs);
    return this.#clock.now() >= due ? TRIGGER_PERIODIC : { kind: 'wait-until', time: due };
  }
}

const TRIGGER_MANUAL: CheckpointDecision = Object.freeze({ kind: 'trigger', request: 'manual' });
const TRIGGER_PERIODIC: CheckpointDecision = Object.freeze({ kind: 'trigger', request: 'periodic' });
const QUEUE: CheckpointDecision = Object.freeze({ kind: 'queue' });
const IDLE: CheckpointDecision = Object.freeze({ kind: 'idle' });
