/**
 * The job master, on the main thread: deploys every subtask of a job graph into its own worker
 * thread (hosted and watched by piscina), relays control messages, aggregates counters, and ends
 * the job: finished when every subtask finished, failed when one fails (every other is cancelled
 * first), cancelled on request. Whatever happens, the worker pool is destroyed before the result
 * settles, so no thread outlives the job.
 */

import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { WeirError } from '../errors.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { planDeployment, type SubtaskPlan } from './deployment.ts';
import { deserializeError } from './error-transport.ts';
import type { ControlFromTask, JobModuleRef, SubtaskCounters, TaskDeployment } from './protocol.ts';
import type { CollectedBatch } from './sinks/sinks.ts';

const BOOTSTRAP = fileURLToPath(new URL('../worker/bootstrap.mjs', import.meta.url));
/** The task worker module, with this module's own extension (`.ts` from source, `.js` when built). */
const TASK_WORKER = new URL(
  `./task-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
  import.meta.url,
).href;

/** How long cancelled subtasks get to stop by themselves before their threads are terminated. */
const CANCEL_GRACE_MS = 5000;

/** A worker thread died (crash, `process.exit`, resource limits) instead of failing cleanly. */
export class WorkerExitedError extends WeirError {
  constructor(subtask: string, cause: unknown) {
    super(
      'ERR_WORKER_EXITED',
      'internal',
      `the worker thread of subtask ${subtask} exited unexpectedly: ${String((cause as Error)?.message ?? cause)}`,
      {
        cause,
      },
    );
  }
}

/** The job was cancelled before it finished. */
export class JobCancelledError extends WeirError {
  constructor(job: string) {
    super('ERR_JOB_CANCELLED', 'external', `job "${job}" was cancelled`);
  }
}

/** Counters of one operator over all its subtasks. */
export interface OperatorMetrics {
  readonly name: string;
  readonly uid: string;
  readonly parallelism: number;
  /** Records the operator received (for a source: records it emitted). */
  readonly records: number;
}

/** Progress of a running job. */
export interface JobProgress {
  readonly elapsedMs: number;
  readonly operators: readonly OperatorMetrics[];
}

export interface JobMasterInit {
  readonly name: string;
  readonly graph: JobGraph;
  readonly job: JobModuleRef;
  readonly ringCapacity: number;
  readonly collect: (uid: string, records: unknown[]) => void;
  readonly onProgress: (progress: JobProgress) => void;
  readonly metricsIntervalMs?: number;
}

interface RunningSubtask {
  readonly plan: SubtaskPlan;
  readonly port: MessagePort;
  readonly abort: AbortController;
  counters: SubtaskCounters;
  state: 'deploying' | 'running' | 'finished' | 'failed' | 'cancelled';
  /** Resolves when the subtask's last report (finished, failed, cancelled) has arrived. */
  reported: () => void;
}

/** Outcome of a job run, as a value. */
export type JobOutcome =
  | { readonly status: 'finished'; readonly progress: JobProgress }
  | { readonly status: 'failed'; readonly error: Error; readonly progress: JobProgress }
  | { readonly status: 'cancelled'; readonly progress: JobProgress };

export class JobMaster {
  readonly #init: JobMasterInit;
  readonly #subtasks: RunningSubtask[] = [];
  readonly #started = performance.now();
  #pool: Piscina | undefined;
  #failure: Error | undefined;
  #cancelRequested = false;
  #cancelling = false;

  constructor(init: JobMasterInit) {
    this.#init = init;
  }

  /** Deploys every subtask and resolves when the job has ended and all threads are gone. */
  async run(): Promise<JobOutcome> {
    const plans = planDeployment(this.#init.graph, this.#init.ringCapacity);
    const threads = plans.length;
    const pool = new Piscina({
      filename: BOOTSTRAP,
      workerData: { entry: TASK_WORKER },
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      atomics: 'disabled',
      maxQueue: threads,
    });
    this.#pool = pool;
    const progressTimer = setInterval(
      () => this.#init.onProgress(this.progress()),
      this.#init.metricsIntervalMs ?? 250,
    );
    progressTimer.unref();
    try {
      const runs = plans.map((plan) => this.#deploy(pool, plan));
      await Promise.all(runs);
    } finally {
      clearInterval(progressTimer);
      await pool.destroy();
    }
    const progress = this.progress();
    if (this.#failure) return { status: 'failed', error: this.#failure, progress };
    if (this.#cancelRequested) return { status: 'cancelled', progress };
    return { status: 'finished', progress };
  }

  /** Asks every subtask to stop; their threads are terminated if they do not within the grace period. */
  cancel(): void {
    this.#cancelRequested = true;
    this.#cancelAll();
  }

  /** Counters of every operator, summed over subtasks. */
  progress(): JobProgress {
    const operators: OperatorMetrics[] = [];
    for (const vertex of this.#init.graph.vertices) {
      const subtasks = this.#subtasks.filter((s) => s.plan.vertex === vertex);
      vertex.nodes.forEach((node, i) => {
        const records = subtasks.reduce((sum, s) => sum + (s.counters.recordsIn[i] ?? 0), 0);
        operators.push({ name: node.name, uid: node.resolvedUid, parallelism: vertex.parallelism, records });
      });
    }
    return { elapsedMs: performance.now() - this.#started, operators };
  }

  async #deploy(pool: Piscina, plan: SubtaskPlan): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const subtask: RunningSubtask = {
      plan,
      port: port1,
      abort: new AbortController(),
      counters: { recordsIn: [], recordsOut: 0 },
      state: 'deploying',
      reported: () => {},
    };
    // Reports travel on the control port, the task's completion on piscina's: wait for both, so
    // that no collected record or final counter is lost when the port closes.
    const reported = new Promise<void>((resolve) => {
      subtask.reported = resolve;
    });
    this.#subtasks.push(subtask);
    port1.on('message', (message: ControlFromTask) => this.#onMessage(subtask, message));
    const deployment: TaskDeployment = {
      job: this.#init.job,
      jobName: this.#init.name,
      vertexIndex: plan.vertex.index,
      vertexId: plan.vertex.id,
      subtaskIndex: plan.subtaskIndex,
      inputs: plan.inputs,
      outputs: plan.outputs,
      control: port2,
      metricsIntervalMs: this.#init.metricsIntervalMs ?? 250,
      checkpointing: undefined,
    };
    try {
      await pool.run(deployment, { transferList: [port2], signal: subtask.abort.signal });
      await reported;
    } catch (error) {
      if (subtask.state === 'deploying' || subtask.state === 'running') {
        subtask.state = 'failed';
        if (!this.#cancelling)
          this.#fail(new WorkerExitedError(`${plan.vertex.id}[${plan.subtaskIndex}]`, error));
      }
    } finally {
      port1.close();
    }
  }

  #onMessage(subtask: RunningSubtask, message: ControlFromTask): void {
    switch (message.type) {
      case 'running':
        if (subtask.state === 'deploying') subtask.state = 'running';
        if (this.#cancelling) subtask.port.postMessage({ type: 'cancel' });
        break;
      case 'metrics':
        subtask.counters = message.counters;
        break;
      case 'to-job-master': {
        const batch = message.payload as CollectedBatch;
        this.#init.collect(batch.collect, batch.records);
        break;
      }
      case 'finished':
        subtask.counters = message.counters;
        subtask.state = 'finished';
        subtask.reported();
        break;
      case 'cancelled':
        subtask.counters = message.counters;
        subtask.state = 'cancelled';
        subtask.reported();
        break;
      case 'failed':
        subtask.counters = message.counters;
        subtask.state = 'failed';
        if (!this.#cancelling || this.#failure === undefined) this.#fail(deserializeError(message.error));
        subtask.reported();
        break;
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#cancelAll();
  }

  #cancelAll(): void {
    if (this.#cancelling) return;
    this.#cancelling = true;
    for (const subtask of this.#subtasks) {
      if (subtask.state === 'running' || subtask.state === 'deploying')
        subtask.port.postMessage({ type: 'cancel' });
    }
    const timer = setTimeout(() => {
      for (const subtask of this.#subtasks) {
        if (subtask.state === 'running' || subtask.state === 'deploying') {
          subtask.state = 'cancelled';
          subtask.abort.abort();
        }
      }
    }, CANCEL_GRACE_MS);
    timer.unref();
  }
}
