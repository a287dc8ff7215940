/**
 * Delayed work, injected. Components that act later (the checkpoint coordinator's periodic trigger
 * and per-checkpoint timeouts, restart back-off) take a {@link Scheduler} next to their
 * {@link Clock}, so that tests run them with a {@link ManualScheduler} on a {@link ManualClock}
 * instead of sleeping. The real {@link timerScheduler} uses `setTimeout` and unrefs every timer: a
 * pending checkpoint timeout must never keep a process alive on its own.
 *
 * Thread: a scheduler runs its callbacks on the thread that scheduled them (the main thread for the
 * coordinator); it is not shared between threads.
 */
import type { Clock, ManualClock } from './clock.ts';

/** Cancels a scheduled callback; calling it again, or after the callback ran, does nothing. */
export type Cancel = () => void;

/** Runs callbacks after a delay. */
export interface Scheduler {
  /** Runs `fn` once, `delayMs` (≥ 0, fractions allowed) after now; returns a way to cancel it. */
  schedule(delayMs: number, fn: () => void): Cancel;
}

/** Longest delay `setTimeout` honours; a longer one fires at once (Node clamps it to 1 ms). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** `setTimeout`, with delays beyond its limit (~24.8 days) chained instead of firing at once. */
function processTimers(keepAlive: boolean): Scheduler {
  return {
    schedule(delayMs: number, fn: () => void): Cancel {
      let timer: NodeJS.Timeout | undefined;
      let cancelled = false;
      const arm = (remaining: number): void => {
        const step = Math.min(Math.max(remaining, 0), MAX_TIMER_DELAY_MS);
        timer = setTimeout(() => {
          if (cancelled) return;
          if (remaining > step) arm(remaining - step);
          else fn();
        }, step);
        if (!keepAlive) timer.unref();
      };
      arm(delayMs);
      return () => {
        cancelled = true;
        if (timer !== undefined) clearTimeout(timer);
      };
    },
  };
}

/** The process's timers, each unref'd, so that it never keeps the event loop alive. */
export const timerScheduler: Scheduler = processTimers(false);

/**
 * The process's timers, referenced: for a wait the process must stay alive for when nothing else
 * holds it open (a job's restart back-off, while no attempt runs).
 */
export const keepAliveTimerScheduler: Scheduler = processTimers(true);

/** Runs `fn` every `intervalMs` on `scheduler` until the returned function is called. */
export function every(scheduler: Scheduler, intervalMs: number, fn: () => void): Cancel {
  let cancel: Cancel;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    cancel = scheduler.schedule(intervalMs, tick);
    fn();
  };
  cancel = scheduler.schedule(intervalMs, tick);
  return () => {
    stopped = true;
    cancel();
  };
}

interface ManualTask {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A scheduler driven by hand together with a {@link ManualClock}, for tests: nothing runs until
 * {@link ManualScheduler.advance} (or {@link ManualScheduler.runDue}) is called. Callbacks run in
 * order of due time, then of scheduling; the clock stands exactly at a callback's due time while it
 * runs, so code under test sees the time it asked for.
 */
export class ManualScheduler implements Scheduler {
  readonly #clock: ManualClock;
  #tasks: ManualTask[] = [];
  #seq = 0;

  /** `clock` is the clock the code under test reads; this scheduler moves it. */
  constructor(clock: ManualClock) {
    this.#clock = clock;
  }

  /** The clock this scheduler moves. */
  get clock(): Clock {
    return this.#clock;
  }

  schedule(delayMs: number, fn: () => void): Cancel {
    if (!(delayMs >= 0)) throw new RangeError(`a delay must be a number ≥ 0, got ${delayMs}`);
    const task: ManualTask = { due: this.#clock.now() + delayMs, seq: this.#seq++, fn, cancelled: false };
    this.#tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  }

  /** Callbacks scheduled and neither run nor cancelled. */
  get pending(): number {
    return this.#tasks.filter((t) => !t.cancelled).length;
  }

  /** Due time of the earliest pending callback, if any. */
  nextDue(): number | undefined {
    return this.#next()?.due;
  }

  /**
   * Moves the clock forward by `ms`, running every callback that falls due on the way (including
   * ones scheduled by those callbacks) at its due time. Returns how many callbacks ran.
   */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward, got ${ms} ms`);
    const target = this.#clock.now() + ms;
    let ran = 0;
    for (let task = this.#next(); task !== undefined && task.due <= target; task = this.#next()) {
      if (task.due > this.#clock.now()) this.#clock.advance(task.due - this.#clock.now());
      this.#run(task);
      ran++;
    }
    this.#clock.advance(target - this.#clock.now());
    return ran;
  }

  /** Runs the callbacks due now without moving the clock. Returns how many ran. */
  runDue(): number {
    return this.advance(0);
  }

  #run(task: ManualTask): void {
    task.cancelled = true;
    this.#tasks = this.#tasks.filter((t) => !t.cancelled);
    task.fn();
  }

  #next(): ManualTask | undefined {
    let best: ManualTask | undefined;
    for (const t of this.#tasks) {
      if (t.cancelled) continue;
      if (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
