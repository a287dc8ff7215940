/**
 * The moment a worker thread built the job module: the main thread builds it too, but that is not
 * a worker's, so it is not a restore's. A job's build function calls this and hands the time to
 * its keyed function, which reports it with its first record: "this subtask's worker was up and had
 * loaded the code at t".
 */
import { isMainThread } from 'node:worker_threads';
import { wallNow } from './wall-clock.ts';

/** Wall time now in a worker; NaN on the main thread. Call at the top of a job's build function. */
export function workerBuiltAt(): number {
  return isMainThread ? Number.NaN : wallNow();
}
