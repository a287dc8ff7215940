/**
 * Entry of a job's worker thread, started through `src/worker/bootstrap.mjs` by the job's thread
 * pool (`runtime/thread-pool.ts`, which marks its threads with `workerData.weirPoolThread`). Thin on
 * purpose: the thread's part is in pool-thread.ts, a subtask's life in subtask-host.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TaskDeployment } from '../runtime/protocol.ts';
import { servePoolThread } from './pool-thread.ts';
import { SubtaskHost } from './subtask-host.ts';

if (parentPort && (workerData as { weirPoolThread?: unknown } | null)?.weirPoolThread === true)
  servePoolThread(parentPort);

/** Runs one subtask to its end (for a host that hands deployments itself). */
export default async function runSubtask(deployment: TaskDeployment): Promise<void> {
  await new SubtaskHost(deployment).run();
}
