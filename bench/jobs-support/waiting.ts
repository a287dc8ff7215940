/** Waiting in a benchmark's main thread: sleeping, and polling shared memory until a condition holds. */

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Resolves once `condition()` holds, checking every `pollMs`; rejects naming `what` after
 * `timeoutMs`. Polling keeps the main thread's event loop free for the job master's messages.
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs: number,
  pollMs = 5,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}
