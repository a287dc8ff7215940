/**
 * Wall-clock time in milliseconds since the epoch, with sub-millisecond resolution, comparable
 * across threads: `performance.timeOrigin` is per thread, so `timeOrigin + now()` is the common
 * clock a worker and the main thread can both stamp events with (e.g. "failed at" in one thread,
 * "first record after the restore" in another).
 */

/** Milliseconds since the epoch, fractional; any thread. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
