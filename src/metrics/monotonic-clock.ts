/**
 * The clock end-to-end latency is measured with: microseconds on `process.hrtime.bigint()`, the
 * process-wide monotonic clock (Linux `CLOCK_MONOTONIC` through libuv). Every thread of the process
 * reads the same clock, so a time stamped in a source subtask's worker can be subtracted from a time
 * read in a sink subtask's worker.
 *
 * Why not `performance.timeOrigin + performance.now()`: `timeOrigin` is taken separately by every
 * thread when it starts (from the wall clock, at a coarser precision), so two threads' sums can
 * disagree by a fraction of a millisecond, and the wall clock can be stepped by NTP. `hrtime` has
 * neither problem. Its value is nanoseconds since an arbitrary point (boot); as a double of
 * microseconds it keeps sub-microsecond precision for years of uptime.
 *
 * Thread: any.
 */

/** Microseconds on the process-wide monotonic clock (fractional); comparable across threads. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint()) / 1000;
}
