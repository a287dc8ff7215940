// Starts a worker thread on a TypeScript module through weir's bootstrap, and tracks every worker
// a test starts so that the test can assert that none survives it.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const bootstrap = fileURLToPath(new URL('../../src/worker/bootstrap.mjs', import.meta.url));
const live = new Set<Worker>();
const exitCodes = new WeakMap<Worker, number>();

/** Starts `module` (a path relative to this file's folder's parent, or absolute URL) in a worker. */
export function spawnTsWorker(moduleUrl: URL, data: Record<string, unknown>): Worker {
  const worker = new Worker(bootstrap, {
    workerData: { entry: pathToFileURL(fileURLToPath(moduleUrl)).href, ...data },
  });
  live.add(worker);
  worker.once('exit', (code) => {
    live.delete(worker);
    exitCodes.set(worker, code);
  });
  return worker;
}

/** Number of workers started by this test file that have not exited. */
export function liveWorkers(): number {
  return live.size;
}

/** Resolves with the exit code once `worker` has exited (by itself: this never terminates it). */
export function exited(worker: Worker): Promise<number> {
  return new Promise((resolve) => {
    // A worker that already exited reports the code it exited with, not a made-up 0.
    const code = exitCodes.get(worker);
    if (code !== undefined) resolve(code);
    else worker.once('exit', resolve);
  });
}

/** Resolves with the first message from `worker` that satisfies `match`; rejects on error. */
export function nextMessage<T>(worker: Worker, match: (m: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: T): void => {
      if (!match(m)) return;
      cleanup();
      resolve(m);
    };
    const onError = (e: Error): void => {
      cleanup();
      reject(e);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`worker exited with code ${code} before the expected message`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

/** Terminates every worker still alive (an afterEach safety net; tests assert none was left). */
export async function terminateAll(): Promise<void> {
  await Promise.all([...live].map((w) => w.terminate()));
}
