// Type-checked against the installed package's declarations (tsc --noEmit -p .).
import { defineJob, executeJob, type JobResult, StreamEnvironment, WeirError } from 'weir';

interface Sum {
  key: number;
  n: number;
}

export const job = defineJob<{ to: number }>((env, { to }) => {
  env
    .fromSequence(1, to)
    .map((n: number): Sum => ({ key: n % 10, n }))
    .keyBy('key')
    .sum('n')
    .collect({ uid: 'sums' });
});

export async function sums(): Promise<Sum[]> {
  const result: JobResult = await executeJob(new URL('./sums.job.mjs', import.meta.url), {
    args: { to: 1000 },
  });
  return result.collected<Sum>('sums');
}

export const isWeirError = (error: unknown): error is WeirError => error instanceof WeirError;

// The declarations are real types, not `any`: a wrong option is an error.
// @ts-expect-error parallelism is a number
new StreamEnvironment({ parallelism: 'two' });
