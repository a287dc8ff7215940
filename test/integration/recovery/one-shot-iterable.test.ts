// fromIterable and restarts: a function that makes a fresh generator restarts with exact sums; a
// generator object, which the restarted attempt finds already iterated in its thread, fails the
// job with ERR_SOURCE_REPLAY (once, not restarted forever) instead of a silently empty source.
import { describe, expect, it } from 'vitest';
import { executeJob } from '../../../src/index.ts';
import type { ReplayableIterableArgs } from '../jobs/replayable-iterable.job.ts';

const job = new URL('../jobs/replayable-iterable.job.ts', import.meta.url);
const COUNT = 2_000;

function args(fresh: boolean): ReplayableIterableArgs {
  return { count: COUNT, failAt: 1_500, failures: new SharedArrayBuffer(4), fresh };
}

describe('fromIterable across a restart', () => {
  it('a function giving a fresh generator is iterated again: exact sums', async () => {
    const result = await executeJob(job, {
      args: args(true),
      // One thread: the restarted attempt runs where the first one did.
      environment: { parallelism: 1, restart: { strategy: 'fixed-delay', attempts: 3, delayMs: 0 } },
    });
    expect(result.attempts).toBe(2);
    const finals = new Map<number, number>();
    for (const r of result.collected('sums') as { key: number; n: number }[]) finals.set(r.key, r.n);
    const expected = new Map<number, number>();
    for (let n = 0; n < COUNT; n++) expected.set(n % 4, (expected.get(n % 4) ?? 0) + n);
    expect(finals).toEqual(expected);
  });

  it('a generator object fails the restarted attempt with ERR_SOURCE_REPLAY, not an empty source', async () => {
    const error = await executeJob(job, {
      args: args(false),
      environment: { parallelism: 1, restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 0 } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ message: expect.stringMatching(/one-shot iterator/) });
    const codes = [error, (error as { cause?: unknown }).cause].map((e) => (e as { code?: string })?.code);
    expect(codes).toContain('ERR_SOURCE_REPLAY');
  });
});
