// A source partition that emits nothing does not hold back event time once it is declared idle:
// every window of the other partition fires while the job still runs (without idleness the quiet
// partition's watermark holds every window back: see the valve's unit tests).
import { expect, it } from 'vitest';
import { startJob } from '../../../src/index.ts';
import { type IdlePartitionArgs, WINDOW_MS } from '../jobs/idle-partition.job.ts';

it('an idle partition does not hold back the watermark once idleness is declared', async () => {
  const count = 200; // 20 s of event time: 20 windows per user
  const args: IdlePartitionArgs = { count, idleMs: 50, results: new SharedArrayBuffer(4) };
  const results = new Int32Array(args.results);
  const client = await startJob(new URL('../jobs/idle-partition.job.ts', import.meta.url), {
    args,
    environment: { parallelism: 2 },
  });
  // Every window fires while the quiet source still runs (it never ends): the busy source's
  // watermarks, and its end of input, pass the valve because the quiet partition is idle.
  const expected = 3 * ((count * 100) / WINDOW_MS);
  while (Atomics.load(results, 0) < expected) {
    const outcome = await Promise.race([
      client.result.then(() => 'ended'),
      new Promise<string>((resolve) => setTimeout(() => resolve('poll'), 20)),
    ]);
    expect(outcome).toBe('poll');
  }
  expect(Atomics.load(results, 0)).toBe(expected);
  await client.cancel();
});
