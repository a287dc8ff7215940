/**
 * A worker thread of a job's pool (`runtime/thread-pool.ts`), on that thread: runs every subtask the
 * main thread sends ({@link RunSubtask}), each in its own {@link SubtaskHost}, side by side in this
 * thread's event loop, and says when each returned. Subtasks sharing a thread never block it: their
 * loops wait with `Atomics.waitAsync` and yield every few ms (task-runner.ts), so a producer waiting
 * for space lets a consumer in the same thread drain its ring.
 */
import type { MessagePort } from 'node:worker_threads';
import { serializeError } from '../runtime/error-transport.ts';
import type { RunSubtask, SubtaskReturned } from '../runtime/protocol.ts';
import { SubtaskHost } from './subtask-host.ts';

/** Serves the pool's runs arriving on `port` (the thread's parent port) for the thread's life. */
export function servePoolThread(port: MessagePort): void {
  port.on('message', (message: RunSubtask) => {
    if (message?.type !== 'run') return;
    const { id, deployment } = message;
    new SubtaskHost(deployment).run().then(
      () => port.postMessage({ type: 'returned', id } satisfies SubtaskReturned),
      (error: unknown) =>
        port.postMessage({ type: 'returned', id, error: serializeError(error) } satisfies SubtaskReturned),
    );
  });
}
