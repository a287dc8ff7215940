/**
 * The producer side of the harness: drives a {@link Sender} through one phase, either as fast as
 * the consumer allows (throughput) or at a fixed low rate with fresh timestamps (latency).
 *
 * Thread: the producer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Sender } from './peer.ts';
import type { Phase } from './plan.ts';
import { type BenchRecord, wallNow } from './records.ts';

/** Sends `count` records from `pool`, in order, as fast as the sender accepts them; returns ms spent waiting. */
export async function driveThroughput(
  sender: Sender,
  pool: readonly BenchRecord[],
  count: number,
): Promise<number> {
  const mask = pool.length - 1;
  let waitedMs = 0;
  for (let i = 0; i < count; i++) {
    const wait = sender.send(pool[i & mask]!);
    if (wait !== undefined) {
      const t = performance.now();
      await wait;
      waitedMs += performance.now() - t;
    }
  }
  await sender.flush();
  return waitedMs;
}

/**
 * Sends `phase.records` records at `phase.rateHz`, each stamped with the wall clock when it is
 * emitted, and flushes partial batches at their flush timeout, sleeping on timers in between as a
 * subtask's event loop would. Returns ms spent waiting for the consumer (expected: none).
 */
export async function driveLatency(
  sender: Sender,
  pool: readonly BenchRecord[],
  phase: Extract<Phase, { kind: 'latency' }>,
): Promise<number> {
  const mask = pool.length - 1;
  const interval = 1000 / phase.rateHz;
  let waitedMs = 0;
  let due = performance.now();
  let i = 0;
  while (i < phase.records) {
    let now = performance.now();
    sender.flushIfDue(now);
    for (; i < phase.records && due <= now; i++, due += interval) {
      const { key, value } = pool[i & mask]!;
      const wait = sender.send({ key, value, ts: wallNow() });
      if (wait !== undefined) {
        const t = performance.now();
        await wait;
        waitedMs += performance.now() - t;
      }
    }
    now = performance.now();
    const deadline = Math.min(i < phase.records ? due : Number.POSITIVE_INFINITY, sender.flushIfDue(now));
    if (deadline === Number.POSITIVE_INFINITY) break;
    await sleep(Math.max(0, deadline - now));
  }
  await sender.flush();
  return waitedMs;
}
