/**
 * Time, injected. Components that decide on time (checkpoint triggering, restart back-off) take a
 * {@link Clock} so that tests drive them with a {@link ManualClock} instead of sleeping.
 */

/** A source of time in milliseconds. */
export interface Clock {
  /** Milliseconds since an arbitrary origin, monotonic (never goes back). */
  now(): number;
}

/** The process's monotonic clock (`performance.now()`). */
export const systemClock: Clock = { now: () => performance.now() };

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms` (never backward). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward, got ${ms} ms`);
    this.#now += ms;
  }
}
