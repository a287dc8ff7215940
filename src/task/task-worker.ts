/**
 * Entry of a subtask's worker thread: the piscina task handler, started through
 * `src/worker/bootstrap.mjs`. Thin on purpose: the subtask's life is in subtask-host.ts.
 */
import type { TaskDeployment } from '../runtime/protocol.ts';
import { SubtaskHost } from './subtask-host.ts';

export default async function runSubtask(deployment: TaskDeployment): Promise<void> {
  await new SubtaskHost(deployment).run();
}
