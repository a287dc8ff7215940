/**
 * Sleeping on a shared word without blocking the event loop.
 *
 * A worker that waits for data or space must still handle control messages (cancel, checkpoint
 * trigger) and timers, so it never uses the blocking `Atomics.wait`; it awaits `Atomics.waitAsync`
 * instead. A pending `waitAsync` does not keep a worker's event loop alive, so a referenced timer
 * is held for the duration of the wait.
 */

/** How long one park may last before the caller re-checks its conditions (ms). */
export const MAX_PARK_MS = 50;

function keepAlive(): void {}

/**
 * Resolves once `words[index]` no longer holds `expected`, or after `timeoutMs`. Returns
 * synchronously (`undefined`) when the word already differs, so a caller can skip the `await`.
 */
export function park(
  words: Int32Array,
  index: number,
  expected: number,
  timeoutMs: number,
): Promise<void> | undefined {
  const result = Atomics.waitAsync(words, index, expected, Math.max(0, timeoutMs));
  if (!result.async) return undefined;
  const timer = setTimeout(keepAlive, Math.max(1, timeoutMs) + 1000);
  return result.value.then(() => clearTimeout(timer));
}
