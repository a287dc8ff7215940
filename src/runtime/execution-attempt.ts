/**
 * One execution attempt of a job, on the main thread: deploys every subtask of the job graph into
 * its own worker thread (hosted and watched by piscina), routes control messages, and ends when
 * every subtask has ended: finished, failed (the first failure cancels every other subtask), or
 * cancelled. `run()` resolves only once every subtask's task has settled; the threads themselves
 * belong to the job master's pool, which a restart reuses (a new attempt over fresh channels).
 *
 * Pipelined (the default), every subtask is deployed at once, connected by rings. A batch job run
 * by stages (blocking exchanges) is deployed vertex by vertex: a vertex's subtasks start once every
 * subtask of the vertices feeding it has finished, reading the files those wrote (blocking
 * partitions), in threads of the pool that earlier stages used, as Flink's batch scheduler reuses
 * slots. Vertices that finished in an earlier attempt are not run again (batch-stages.ts), and a
 * vertex's collected records reach the job master only once the vertex has finished, so that a
 * vertex run again delivers them once.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { CollectedBatch } from '../connectors/builtin/builtin-sinks.ts';
import { WeirError } from '../errors.ts';
import { type JobGraph, type JobVertex, subtaskCount } from '../graph/job-graph.ts';
import type { CheckpointReport } from '../task/checkpointing/subtask-checkpointer.ts';
import type { CheckpointControl, CheckpointingDeployment } from '../task/checkpointing/task-checkpointing.ts';
import type { BatchStages } from './batch-stages.ts';
import type { SubtaskTarget } from './checkpointing/job-checkpointing.ts';
import { planDeployment, type SubtaskPlan } from './deployment.ts';
import { deserializeError } from './error-transport.ts';
import type { FailureSource } from './job-events.ts';
import type { SubtaskStates } from './job-master.ts';
import { pipelinedInStages } from './pipelined-regions.ts';
import type {
  ControlFromTask,
  JobModuleRef,
  SubtaskCounters,
  SubtaskRestore,
  TaskDeployment,
} from './protocol.ts';

/** How long cancelled subtasks get to stop by themselves before their threads are terminated. */
const CANCEL_GRACE_MS = 5000;

/** A worker thread died (crash, `process.exit`, resource limits) instead of failing cleanly. */
export class WorkerExitedError extends WeirError {
  constructor(subtask: string, cause: unknown) {
    super(
      'ERR_WORKER_EXITED',
      'internal',
      `the worker thread of subtask ${subtask} exited unexpectedly: ${String((cause as Error)?.message ?? cause)}`,
      { cause },
    );
  }
}

/** What an attempt tells its job master. */
export interface AttemptListener {
  onAllRunning(): void;
  /** A subtask's input ended; it waits for the final checkpoint (`reply` reaches just that subtask). */
  onSubtaskFinishing(reply: (message: CheckpointControl) => void): void;
  /** Every subtask is finishing: take the final checkpoint, then call `finish()`. */
  onAllFinishing(): void;
  onSubtaskFinished(): void;
  onFailure(error: Error): void;
  onCheckpointReport(report: CheckpointReport): void;
  onCollected(batch: CollectedBatch): void;
}

/** How the attempt ended, as a value. */
export type AttemptOutcome =
  | { readonly status: 'finished' }
  | { readonly status: 'failed'; readonly error: Error; readonly source?: FailureSource | undefined }
  | { readonly status: 'cancelled' };

export interface AttemptInit {
  readonly name: string;
  readonly graph: JobGraph;
  readonly job: JobModuleRef;
  readonly ringCapacity: number;
  readonly checkpointing: CheckpointingDeployment | undefined;
  /** State to restore, per subtask (`<vertexId>#<index>`). */
  readonly restore: ReadonlyMap<string, SubtaskRestore>;
  readonly listener: AttemptListener;
  readonly metricsIntervalMs: number;
  /** The job's worker threads (one per subtask, or per subtask of the widest stage); owned by the job master. */
  readonly pool: Piscina;
  /**
   * A batch job run by stages (blocking exchanges), with what earlier attempts finished; absent:
   * pipelined.
   */
  readonly stages?: BatchStages | undefined;
}

interface RunningSubtask {
  readonly plan: SubtaskPlan;
  readonly port: MessagePort;
  readonly abort: AbortController;
  counters: SubtaskCounters;
  state: 'deploying' | 'running' | 'finishing' | 'finished' | 'failed' | 'cancelled';
  /** Resolves when the subtask's last report (finished, failed, cancelled) has arrived. */
  reported: () => void;
}

export class ExecutionAttempt {
  readonly #init: AttemptInit;
  readonly #subtasks: RunningSubtask[] = [];
  #failure: Error | undefined;
  /** The subtask that reported the first failure, if one did. */
  #failureSource: FailureSource | undefined;
  #cancelRequested = false;
  #cancelling = false;
  #running = 0;
  #finishing = 0;
  /** Batch job by stages: collected batches held per vertex until the vertex has finished. */
  readonly #held = new Map<JobVertex, CollectedBatch[]>();

  constructor(init: AttemptInit) {
    this.#init = init;
  }

  /** Deploys every subtask; resolves when all have ended and every thread is gone. */
  async run(): Promise<AttemptOutcome> {
    const { graph, ringCapacity, stages, pool } = this.#init;
    if (stages) {
      stages.beginAttempt();
      for (const edge of graph.edges)
        if (pipelinedInStages(edge) && !stages.isFinished(edge.target)) stages.runAgain(edge.source);
      await this.#runByStages(stages, planDeployment(graph, ringCapacity, stages));
    } else {
      const plans = planDeployment(graph, ringCapacity);
      await Promise.all(plans.map((plan) => this.#deploy(pool, plan)));
    }
    if (this.#failure) return { status: 'failed', error: this.#failure, source: this.#failureSource };
    if (this.#cancelRequested) return { status: 'cancelled' };
    return { status: 'finished' };
  }

  /**
   * Deploys each vertex once every vertex feeding it through a blocking exchange has finished and
   * every vertex feeding it through a pipelined one (pipelined-regions.ts) is deployed (vertices are
   * in topological order), skipping those an earlier attempt finished; after a failure or a cancel,
   * no further stage starts. A vertex whose subtasks all finished counts as finished even if another
   * branch failed meanwhile: a restart need not run it again.
   */
  async #runByStages(stages: BatchStages, plans: readonly SubtaskPlan[]): Promise<void> {
    const ready = new Map<JobVertex, Promise<boolean>>();
    const finished = new Map<JobVertex, Promise<boolean>>();
    for (const vertex of this.#init.graph.vertices) {
      const inputs = vertex.inputs.map(
        (edge) => (pipelinedInStages(edge) ? ready : finished).get(edge.source)!,
      );
      const inputsReady = Promise.all(inputs).then((all) => all.every(Boolean));
      ready.set(vertex, inputsReady);
      const stage = async (): Promise<boolean> => {
        if (stages.isFinished(vertex)) return true;
        if (!(await inputsReady) || this.#cancelling) return false;
        try {
          const own = plans.filter((plan) => plan.vertex === vertex);
          await Promise.all(own.map((plan) => this.#deploy(this.#init.pool, plan)));
          const held = this.#held.get(vertex) ?? [];
          this.#held.delete(vertex);
          if (!this.#subtasks.every((s) => s.plan.vertex !== vertex || s.state === 'finished')) return false;
          for (const batch of held) this.#init.listener.onCollected(batch);
          stages.markFinished(vertex, this.#countsOf(vertex));
          return !this.#cancelling;
        } catch (error) {
          this.#fail(error instanceof Error ? error : new Error(String(error)));
          return false;
        }
      };
      finished.set(vertex, stage());
    }
    await Promise.all(finished.values());
  }

  /** Asks every subtask to stop; threads that do not within the grace period are terminated. */
  cancel(): void {
    this.#cancelRequested = true;
    this.#cancelAll();
  }

  /** Fails the attempt from outside (e.g. checkpointing failed too often). */
  fail(error: Error): void {
    this.#fail(error);
  }

  /** Sends a checkpoint control message to every running or finishing subtask that `target` selects. */
  send(message: CheckpointControl, target?: SubtaskTarget): void {
    for (const subtask of this.#subtasks) {
      const { state } = subtask;
      if ((state === 'running' || state === 'finishing') && (!target || target(subtask.plan.vertex, state))) {
        subtask.port.postMessage(message);
      }
    }
  }

  /** Tells every finishing subtask to end (after the final checkpoint). */
  finish(): void {
    for (const subtask of this.#subtasks) {
      if (subtask.state === 'finishing') subtask.port.postMessage({ type: 'finish' });
    }
  }

  /** How many of this attempt's subtasks run, and how many have come to the end of their input. */
  subtaskStates(): SubtaskStates {
    const stages = this.#init.stages;
    let running = 0;
    let finished = 0;
    for (const { plan, state } of this.#subtasks) {
      if (state === 'running') running++;
      // Finished vertices are counted whole below, whichever attempt finished them.
      else if ((state === 'finishing' || state === 'finished') && !stages?.isFinished(plan.vertex))
        finished++;
    }
    for (const vertex of this.#init.graph.vertices)
      if (stages?.isFinished(vertex)) finished += vertex.parallelism;
    return { total: subtaskCount(this.#init.graph), running, finished };
  }

  /** Per-operator counts of this attempt, in graph order: [vertex index][chain position] summed over subtasks. */
  counts(): number[][] {
    return this.#init.graph.vertices.map((vertex) => [
      ...(this.#init.stages?.countsOf(vertex) ?? this.#countsOf(vertex)),
    ]);
  }

  #countsOf(vertex: JobVertex): number[] {
    const totals = vertex.nodes.map(() => 0);
    for (const s of this.#subtasks) {
      if (s.plan.vertex !== vertex) continue;
      s.counters.recordsIn.forEach((n, i) => {
        totals[i] = (totals[i] ?? 0) + n;
      });
    }
    return totals;
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
    // that no collected record, acknowledgement or final counter is lost when the port closes.
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
      metricsIntervalMs: this.#init.metricsIntervalMs,
      checkpointing: this.#init.checkpointing,
      restore: this.#init.restore.get(`${plan.vertex.id}#${plan.subtaskIndex}`),
      splitCursor: plan.splitCursor,
    };
    try {
      await pool.run(deployment, { transferList: [port2], signal: subtask.abort.signal });
      await reported;
    } catch (error) {
      if (subtask.state === 'deploying' || subtask.state === 'running' || subtask.state === 'finishing') {
        subtask.state = 'failed';
        if (!this.#cancelling)
          this.#fail(new WorkerExitedError(`${plan.vertex.id}[${plan.subtaskIndex}]`, error), subtask);
      }
    } finally {
      port1.close();
    }
  }

  #onMessage(subtask: RunningSubtask, message: ControlFromTask): void {
    const listener = this.#init.listener;
    switch (message.type) {
      case 'running':
        if (subtask.state !== 'deploying') break;
        subtask.state = 'running';
        if (this.#cancelling) subtask.port.postMessage({ type: 'cancel' });
        else if (++this.#running === subtaskCount(this.#init.graph)) {
          listener.onAllRunning();
        }
        break;
      case 'finishing':
        if (subtask.state !== 'running') break;
        subtask.state = 'finishing';
        listener.onSubtaskFinishing((m) => subtask.port.postMessage(m));
        if (++this.#finishing === this.#subtasks.length && !this.#cancelling) listener.onAllFinishing();
        break;
      case 'metrics':
        subtask.counters = message.counters;
        break;
      case 'to-job-master': {
        const batch = message.payload as CollectedBatch;
        if (!this.#init.stages) listener.onCollected(batch);
        else {
          const held = this.#held.get(subtask.plan.vertex);
          if (held) held.push(batch);
          else this.#held.set(subtask.plan.vertex, [batch]);
        }
        break;
      }
      case 'ack':
      case 'decline':
        if (!this.#cancelling) listener.onCheckpointReport(message);
        break;
      case 'finished':
        subtask.counters = message.counters;
        subtask.state = 'finished';
        listener.onSubtaskFinished();
        subtask.reported();
        break;
      case 'cancelled':
        subtask.counters = message.counters;
        subtask.state = 'cancelled';
        subtask.reported();
        break;
      case 'failed': {
        subtask.counters = message.counters;
        subtask.state = 'failed';
        const error = deserializeError(message.error);
        // A finished producer's partition is missing or damaged: run that producer again.
        if (
          error instanceof WeirError &&
          (error.code === 'ERR_PARTITION_IO' || error.code === 'ERR_CHANNEL_CORRUPT')
        )
          this.#init.stages?.rerunInputsOf(subtask.plan.vertex);
        this.#fail(error, subtask);
        subtask.reported();
        break;
      }
    }
  }

  #fail(error: Error, from?: RunningSubtask): void {
    if (this.#failure === undefined && !this.#cancelRequested) {
      this.#failure = error;
      if (from) this.#failureSource = { vertex: from.plan.vertex, subtask: from.plan.subtaskIndex };
      this.#init.listener.onFailure(error);
    }
    this.#cancelAll();
  }

  #cancelAll(): void {
    if (this.#cancelling) return;
    this.#cancelling = true;
    for (const subtask of this.#subtasks) {
      if (subtask.state === 'running' || subtask.state === 'deploying' || subtask.state === 'finishing') {
        subtask.port.postMessage({ type: 'cancel' });
      }
    }
    const timer = setTimeout(() => {
      for (const subtask of this.#subtasks) {
        if (subtask.state === 'running' || subtask.state === 'deploying' || subtask.state === 'finishing') {
          subtask.state = 'cancelled';
          subtask.abort.abort();
        }
      }
    }, CANCEL_GRACE_MS);
    timer.unref();
  }
}
