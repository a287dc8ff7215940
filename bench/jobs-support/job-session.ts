/**
 * Runs a benchmark job for as long as a measurement needs it: starts the job module, hands the
 * client to the measurement, then cancels the job and waits until every worker thread is gone, so
 * that the next measurement starts on a quiet process. A job that ends or fails by itself while it
 * is being measured fails the measurement with the job's error.
 */
import { type ExecuteJobOptions, JobCancelledError, type JobClient, startJob } from '../../src/index.ts';

/** Runs `measure` against the job defined by `module`; resolves with what it returns. */
export async function withJob<A, R>(
  module: URL,
  options: ExecuteJobOptions<A>,
  measure: (client: JobClient) => Promise<R>,
): Promise<R> {
  const client = await startJob(module, options);
  const ended = client.result.then(
    () => Promise.reject(new Error(`job ${client.jobName} ended while it was being measured`)),
    (error: unknown) => Promise.reject(error),
  );
  try {
    return await Promise.race([measure(client), ended]);
  } finally {
    ended.catch(() => {});
    await client.cancel();
    await client.result.catch((error: unknown) => {
      if (!(error instanceof JobCancelledError)) throw error;
    });
  }
}
