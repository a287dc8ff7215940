/**
 * Giving the event loop a turn from long synchronous work: control messages, timers and I/O
 * callbacks run before the caller goes on. `setImmediate` runs after pending I/O, unlike a
 * resolved promise, which would not let them through.
 */

/** Resolves after the event loop has had one turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
