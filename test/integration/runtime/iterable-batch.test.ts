// A batch job by stages keeps the exchange after a non-parallel source pipelined: the work after
// the source runs while the source reads (its first record arrives before the source has ended),
// the results are exact, and a failure after the source finished runs the source again (its ring
// holds nothing of the failed attempt) with exact results.
import { describe, expect, it } from 'vitest';
import { executeJob } from '../../../src/index.ts';
import type { IterableBatchArgs, KeySum } from '../jobs/iterable-batch.job.ts';

const job = new URL('../jobs/iterable-batch.job.ts', import.meta.url);
const count = 60_000;
const keys = 37;

function expectedSums(): Map<number, number> {
  const sums = new Map<number, number>();
  for (let n = 0; n < count; n++) sums.set(n % keys, (sums.get(n % keys) ?? 0) + n);
  return sums;
}

async function run(failAt?: number) {
  const flags = new SharedArrayBuffer(16);
  const args: IterableBatchArgs = { count, keys, flags, ...(failAt === undefined ? {} : { failAt }) };
  const result = await executeJob(job, {
    args,
    environment: {
      parallelism: 2,
      runtimeMode: 'batch',
      // Rings far smaller than the source's output: the source cannot end before the map reads.
      ringCapacity: 4096,
      restart: { strategy: 'fixed-delay', attempts: 1, delayMs: 1 },
    },
  });
  const sums = new Map(result.collected<KeySum>('sums').map((r) => [r.key, r.n]));
  return { result, sums, flags: new Int32Array(flags) };
}

describe('a batch job by stages with a non-parallel source', () => {
  it('runs the work after the source while the source reads, with exact sums', async () => {
    const { result, sums, flags } = await run();
    expect(sums).toEqual(expectedSums());
    expect(result.attempts).toBe(1);
    expect(flags[0]).toBe(1);
    // The map's first record came while the source had ended 0 times.
    expect(flags[2]).toBe(1);
    expect(result.operators.find((o) => o.uid === 'numbers')?.parallelism).toBe(1);
    expect(result.operators.find((o) => o.uid === 'tag')?.parallelism).toBe(2);
  });

  it('runs the source again after a failure of the vertex it feeds, with exact sums', async () => {
    const { result, sums, flags } = await run(count - 5);
    expect(result.attempts).toBe(2);
    expect(flags[3]).toBe(1);
    expect(flags[0]).toBe(2);
    expect(sums).toEqual(expectedSums());
  });
});
