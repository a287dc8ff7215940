/**
 * The worker threads of one job, on the main thread: a fixed number of threads (slots), each able
 * to run several subtasks at once in its event loop (slot sharing, docs/threads.md). A subtask runs
 * in the slot its scheduling strategy names, or, unplaced, in a thread that runs nothing (waiting
 * in a queue until one is free: a batch job run by stages without sharing).
 *
 * Failure is per thread: a thread that crashes (an uncaught error, `process.exit`, its resource
 * limits) or is terminated ends every subtask in it, each run rejecting with the thread's error;
 * the slot gets a fresh thread when a run next needs it (not at once: a thread that cannot start
 * would otherwise restart forever). Aborting a run
 * (its `signal`) terminates its thread, with whatever else runs there: the execution attempt only
 * aborts after a cancel's grace period, when every subtask is being cancelled anyway.
 *
 * Thread: main. Invariant: a run settles exactly once (returned, thread gone, aborted while
 * queued, or the pool destroyed).
 */
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { deserializeError } from './error-transport.ts';
import type { RunSubtask, SubtaskReturned, TaskDeployment } from './protocol.ts';

/** What the threads start from. */
export interface ThreadPoolOptions {
  readonly threads: number;
  /** The entry script of every thread (`src/worker/bootstrap.mjs`). */
  readonly filename: string;
  readonly workerData: unknown;
  /** Flags of every thread; default the process's. */
  readonly execArgv?: readonly string[];
  /** Limits of every thread (heap sizes), shared by the subtasks it runs. */
  readonly resourceLimits?: ResourceLimits;
}

interface Run {
  readonly id: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface PoolThread {
  readonly slot: number;
  readonly worker: Worker;
  readonly runs: Map<number, Run>;
  /** What the thread threw before it exited, if anything. */
  error: Error | undefined;
}

interface Queued {
  readonly deployment: TaskDeployment;
  readonly run: Run;
}

export class ThreadPool {
  readonly #options: ThreadPoolOptions;
  /** By slot; undefined once a thread exited, until a run needs the slot again. */
  readonly #threads: (PoolThread | undefined)[] = [];
  readonly #queue: Queued[] = [];
  #nextId = 0;
  #destroyed = false;

  /** Starts every thread; throws (synchronously) what `new Worker` throws, e.g. refused flags. */
  constructor(options: ThreadPoolOptions) {
    this.#options = options;
    try {
      for (let slot = 0; slot < options.threads; slot++) this.#threads.push(this.#start(slot));
    } catch (error) {
      for (const thread of this.#threads) void thread?.worker.terminate();
      throw error;
    }
  }

  /** Number of threads. */
  get threads(): number {
    return this.#threads.length;
  }

  /** Subtasks running in each thread now, by slot (for tests and diagnostics). */
  load(): number[] {
    return this.#threads.map((thread) => thread?.runs.size ?? 0);
  }

  /**
   * Runs one subtask: in thread `slot` (modulo the thread count) beside what runs there, or, when
   * `slot` is undefined, in a thread that runs nothing, once there is one. Resolves when the
   * subtask returned; rejects when its thread died or `signal` aborted it.
   */
  run(
    deployment: TaskDeployment,
    options: { slot?: number | undefined; signal?: AbortSignal } = {},
  ): Promise<void> {
    if (this.#destroyed) return Promise.reject(new Error('the thread pool was destroyed'));
    return new Promise<void>((resolve, reject) => {
      const run: Run = { id: this.#nextId++, resolve, reject };
      const { slot, signal } = options;
      if (signal?.aborted) {
        reject(abortError());
        return;
      }
      signal?.addEventListener('abort', () => this.#abort(run), { once: true });
      if (slot !== undefined) {
        this.#post(this.#thread(slot % this.#threads.length), deployment, run);
        return;
      }
      const idle = this.#threads.findIndex((thread) => thread === undefined || thread.runs.size === 0);
      if (idle >= 0) this.#post(this.#thread(idle), deployment, run);
      else this.#queue.push({ deployment, run });
    });
  }

  /** Terminates every thread; runs still going reject. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    for (const { run } of this.#queue.splice(0)) run.reject(new Error('the thread pool was destroyed'));
    await Promise.all(this.#threads.map((thread) => thread?.worker.terminate()));
  }

  /** The thread of `slot`, started if the last one exited. */
  #thread(slot: number): PoolThread {
    const thread = this.#threads[slot] ?? this.#start(slot);
    this.#threads[slot] = thread;
    return thread;
  }

  #start(slot: number): PoolThread {
    const { filename, workerData, execArgv, resourceLimits } = this.#options;
    const worker = new Worker(filename, {
      workerData,
      ...(execArgv ? { execArgv: [...execArgv] } : {}),
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    const thread: PoolThread = { slot, worker, runs: new Map(), error: undefined };
    worker.on('message', (message: SubtaskReturned) => {
      if (message?.type !== 'returned') return;
      const run = thread.runs.get(message.id);
      if (!run) return;
      thread.runs.delete(message.id);
      if (message.error) run.reject(deserializeError(message.error));
      else run.resolve();
      this.#drain(thread);
    });
    worker.on('error', (error) => {
      thread.error ??= error;
    });
    worker.on('exit', (code) => this.#onExit(thread, code));
    return thread;
  }

  #post(thread: PoolThread, deployment: TaskDeployment, run: Run): void {
    thread.runs.set(run.id, run);
    const message: RunSubtask = { type: 'run', id: run.id, deployment };
    thread.worker.postMessage(message, [deployment.control]);
  }

  /** A thread is gone: every run in it fails with its error; a queued run may start in a fresh one. */
  #onExit(thread: PoolThread, code: number): void {
    const error = thread.error ?? new Error(`the worker thread exited with code ${code}`);
    const runs = [...thread.runs.values()];
    thread.runs.clear();
    if (this.#threads[thread.slot] === thread) this.#threads[thread.slot] = undefined;
    for (const run of runs) run.reject(error);
    if (this.#destroyed || this.#queue.length === 0) return;
    try {
      this.#drain(this.#thread(thread.slot));
    } catch (startError) {
      this.#queue.shift()?.run.reject(startError as Error);
    }
  }

  /** Hands the oldest queued run to `thread` if it runs nothing. */
  #drain(thread: PoolThread): void {
    if (thread.runs.size !== 0 || this.#destroyed) return;
    const next = this.#queue.shift();
    if (next) this.#post(thread, next.deployment, next.run);
  }

  #abort(run: Run): void {
    const queued = this.#queue.findIndex((q) => q.run === run);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      run.reject(abortError());
      return;
    }
    const thread = this.#threads.find((t) => t?.runs.has(run.id));
    if (!thread) return;
    thread.error ??= abortError();
    void thread.worker.terminate();
  }
}

function abortError(): Error {
  const error = new Error('the subtask was aborted: its thread was terminated');
  error.name = 'AbortError';
  return error;
}
