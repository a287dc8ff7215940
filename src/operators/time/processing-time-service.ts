/**
 * Processing time of one subtask and its timers (Flink's ProcessingTimeService): operators schedule
 * callbacks at a processing time; the task loop fires the due ones between records, so callbacks
 * run on the subtask's thread and never concurrently with a record or a snapshot.
 *
 * Processing time is wall-clock milliseconds since the epoch, never going backwards; tests inject
 * a {@link Clock} (a `ManualClock`) and fire timers with {@link ProcessingTimers.fireDue}.
 *
 * Thread: the subtask's worker thread only.
 */
import type { Clock } from '../../util/clock.ts';
import { TimerHeap } from './timer-heap.ts';

/** What operators see of processing time. */
export interface ProcessingTimeService {
  /** The current processing time (ms since the epoch, monotonic). */
  now(): number;
  /** Calls `callback(time)` once processing time has reached `time`, between two records. */
  schedule(time: number, callback: (time: number) => void): void;
}

/** The wall clock: epoch milliseconds. */
export const wallClock: Clock = { now: () => Date.now() };

/** A subtask's processing-time timers, fired by its task loop. */
export class ProcessingTimers implements ProcessingTimeService {
  readonly #clock: Clock;
  readonly #heap = new TimerHeap<(time: number) => void>();
  #last = Number.NEGATIVE_INFINITY;

  constructor(clock: Clock = wallClock) {
    this.#clock = clock;
  }

  now(): number {
    const now = this.#clock.now();
    if (now > this.#last) this.#last = now;
    return this.#last;
  }

  schedule(time: number, callback: (time: number) => void): void {
    this.#heap.push(time, callback);
  }

  /** The time of the earliest timer (Infinity when none). */
  get deadline(): number {
    return this.#heap.peekTime();
  }

  /** Milliseconds until the earliest timer is due (0 when due, Infinity when none). */
  msUntilDue(): number {
    const deadline = this.#heap.peekTime();
    return deadline === Number.POSITIVE_INFINITY ? deadline : Math.max(0, deadline - this.now());
  }

  /** Fires every timer due now, earliest first (timers they schedule for now fire too). */
  fireDue(): void {
    if (this.#heap.size === 0) return;
    const now = this.now();
    while (this.#heap.size > 0 && this.#heap.peekTime() <= now) {
      const { time, value } = this.#heap.pop()!;
      value(time);
    }
  }
}
