// Waiting for a running job's events in tests: a promise per condition, never a sleep.
import type { JobClient, JobListeners } from '../../src/index.ts';

/** Resolves with the arguments of the first `event` of `client` that satisfies `match`. */
export function nextEvent<E extends keyof JobListeners>(
  client: JobClient,
  event: E,
  match: (...args: Parameters<JobListeners[E]>) => boolean = () => true,
): Promise<Parameters<JobListeners[E]>> {
  return new Promise((resolve, reject) => {
    const stop = client.on(event, ((...args: Parameters<JobListeners[E]>) => {
      if (!match(...args)) return;
      stop();
      resolve(args);
    }) as JobListeners[E]);
    client.result.then(
      () => reject(new Error(`the job ended before its ${event} event`)),
      (error: unknown) => reject(new Error(`the job failed before its ${event} event`, { cause: error })),
    );
  });
}

/** Resolves once `client` has completed at least `count` checkpoints. */
export async function completedCheckpoints(client: JobClient, count: number): Promise<void> {
  if (client.checkpointStats().counts.completed >= count) return;
  await nextEvent(client, 'checkpoint', () => client.checkpointStats().counts.completed >= count);
}

/** Resolves once this process holds no listening TCP server (a closed server's handle is released asynchronously). */
export async function noServerHandles(): Promise<void> {
  while (process.getActiveResourcesInfo().includes('TCPServerWrap'))
    await new Promise((resolve) => setImmediate(resolve));
}
