/**
 * The worker threads of a job: a piscina pool with exactly one thread per subtask, each running
 * one long task (the subtask) at a time. The pool outlives execution attempts: a restart submits
 * the new attempt's subtasks to the threads that are already up (with the job module already
 * loaded), and piscina replaces any thread that died or was terminated.
 */
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';

const BOOTSTRAP = fileURLToPath(new URL('../worker/bootstrap.mjs', import.meta.url));
/** The task worker module, with this module's own extension (`.ts` from source, `.js` when built). */
const TASK_WORKER = new URL(
  `./task-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
  import.meta.url,
).href;

export function createWorkerPool(threads: number, resourceLimits: ResourceLimits | undefined): Piscina {
  return new Piscina({
    filename: BOOTSTRAP,
    workerData: { entry: TASK_WORKER },
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    // The subtask's own event loop must stay free between tasks and during them.
    atomics: 'disabled',
    maxQueue: threads,
    ...(resourceLimits ? { resourceLimits } : {}),
  });
}
