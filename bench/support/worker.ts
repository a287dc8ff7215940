/**
 * Worker threads for benchmarks: starts a TypeScript module through weir's worker bootstrap, and
 * reads the messages a worker (or any MessagePort) sends, in order, as awaited values.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type MessagePort, type Transferable, Worker } from 'node:worker_threads';

/** The plain module every weir worker starts from; piscina pools take it as their `filename`. */
export const WORKER_BOOTSTRAP = fileURLToPath(new URL('../../src/worker/bootstrap.mjs', import.meta.url));

/** The `workerData.entry` value that makes the bootstrap import `module`. */
export function entryOf(module: URL): string {
  return pathToFileURL(fileURLToPath(module)).href;
}

/** Starts `module` (a `.ts` file URL) in a new worker thread with `data` as its workerData. */
export function startWorker(
  module: URL,
  data: Record<string, unknown>,
  transferList: readonly Transferable[] = [],
): Worker {
  return new Worker(WORKER_BOOTSTRAP, {
    workerData: { entry: entryOf(module), ...data },
    transferList: [...transferList],
  });
}

/**
 * Queues the messages of a worker or port so that a caller can `await next(...)` them in order.
 * A worker's error or exit rejects every pending and later `next`.
 */
export class Mailbox<M extends { readonly type: string }> {
  readonly #queue: M[] = [];
  readonly #waiters: Array<{ resolve: (m: M) => void; reject: (e: Error) => void }> = [];
  #failure: Error | undefined;

  constructor(
    source: Worker | MessagePort,
    readonly name: string,
  ) {
    source.on('message', (m: M) => {
      const waiter = this.#waiters.shift();
      if (waiter) waiter.resolve(m);
      else this.#queue.push(m);
    });
    if (source instanceof Worker) {
      source.on('error', (e: Error) => this.#fail(new Error(`${name} failed: ${e.message}`, { cause: e })));
      source.on('exit', (code: number) => this.#fail(new Error(`${name} exited with code ${code}`)));
    }
  }

  /** The next message; it must have type `type`, or the benchmark is broken. */
  async next<T extends M['type']>(type: T): Promise<Extract<M, { type: T }>> {
    const m = await this.#take();
    if (m.type !== type) throw new Error(`${this.name}: expected a '${type}' message, got '${m.type}'`);
    return m as Extract<M, { type: T }>;
  }

  #take(): Promise<M> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const w of this.#waiters.splice(0)) w.reject(this.#failure);
  }
}

/** Resolves once `worker` has exited; terminates it if it has not after `graceMs`. */
export function stopWorker(worker: Worker, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (worker.threadId === -1) return resolve();
    const timer = setTimeout(() => void worker.terminate(), graceMs);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
