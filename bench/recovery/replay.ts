/**
 * Runs the restore replay (replay-worker.ts) on a checkpoint in its own worker thread, with the
 * same heap limit as the job's workers, and returns its step timings.
 */
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { sibling } from '../jobs-support/sibling-module.ts';
import { entryOf, Mailbox, stopWorker, WORKER_BOOTSTRAP } from '../support/worker.ts';
import type { ReplayMessage, ReplayRequest, ReplayResult } from './replay-protocol.ts';

const WORKER = sibling('replay-worker', import.meta.url);

export async function replayRestore(request: ReplayRequest, limits: ResourceLimits): Promise<ReplayResult> {
  const worker = new Worker(WORKER_BOOTSTRAP, {
    workerData: { entry: entryOf(WORKER), ...request },
    resourceLimits: limits,
  });
  const mailbox = new Mailbox<ReplayMessage>(worker, 'restore replay');
  try {
    return (await mailbox.next('result')).result;
  } finally {
    await stopWorker(worker, 1000);
  }
}
