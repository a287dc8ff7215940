/**
 * One execution attempt of a job, on the main thread: deploys the job graph's subtasks as its
 * scheduling strategy says (scheduling/), each into a worker thread of the job's pool, routes
 * control messages, and ends when every deployed subtask has ended: finished, failed (the first
 * failure cancels every other subtask), or cancelled. `run()` resolves only once every subtask's
 * task has settled; the threads belong to the job master's pool, which a restart reuses (a new
 * attempt over fresh channels).
 *
 * Invariants: a subtask's state changes only through its `SubtaskExecution` (one table, reports
 * that do not fit are refused); the first failure is reported once, through `onFailure`, and none
 * after a cancel was requested.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { toError } from '../errors.ts';
import { type JobGraph, type JobVertex, subtaskCount } from '../graph/job-graph.ts';
import type { Scheduler } from '../util/scheduler.ts';
import type { SubtaskTarget } from './checkpointing/job-checkpointing.ts';
import type { SubtaskPlan } from './deployment.ts';
import { deserializeError } from './error-transport.ts';
import { WorkerExitedError } from './errors.ts';
import type { FaultInjection } from './fault-injection.ts';
import type { FailureSource } from './job-events.ts';
import type { SubtaskMetrics } from './job-progress.ts';
import type {
  CheckpointControl,
  CheckpointingDeployment,
  CheckpointReport,
  CollectedBatch,
  ControlFromTask,
  FaultInjectionDeployment,
  JobModuleRef,
  SubtaskCounters,
  SubtaskRestore,
  TaskDeployment,
} from './protocol.ts';
import type { AttemptSchedule, SchedulingStrategy } from './scheduling/scheduling-strategy.ts';
import { SubtaskExecution, type SubtaskStates } from './subtask-execution-state.ts';
import type { ThreadPool } from './thread-pool.ts';

/** How long cancelled subtasks get to stop by themselves before their threads are terminated. */
const CANCEL_GRACE_MS = 5000;

/** What an attempt tells its job master. */
export interface AttemptListener {
  onAllRunning(): void;
  /** A subtask's input ended; it waits for the final checkpoint (`reply` reaches just that subtask). */
  onSubtaskFinishing(reply: (message: CheckpointControl) => void): void;
  /** Every subtask is finishing: take the final checkpoint, then call `finish()`. */
  onAllFinishing(): void;
  onSubtaskFinished(): void;
  /**
   * The attempt failed: called once, with its first failure, as it happens (the other subtasks are
   * being cancelled). The only way a failure reaches the job master; the outcome just says `failed`.
   */
  onFailure(failure: AttemptFailure): void;
  onCheckpointReport(report: CheckpointReport): void;
  onCollected(batch: CollectedBatch): void;
}

/** Failures to inject into an attempt's subtasks (the test-only hook, `fault-injection.ts`). */
export interface AttemptFaults {
  readonly deployment: FaultInjectionDeployment;
  readonly hooks: FaultInjection;
}

/** An attempt's first failure, and the subtask that reported it if one did. */
export interface AttemptFailure {
  readonly error: Error;
  readonly source: FailureSource | undefined;
}

/** How the attempt ended, as a value. */
export type AttemptOutcome =
  | { readonly status: 'finished' }
  | { readonly status: 'failed' }
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
  /** Timers (the cancel grace period). */
  readonly timers: Scheduler;
  /** The job's worker threads (as many as the strategy asked for); owned by the job master. */
  readonly pool: ThreadPool;
  /** The job's scheduling strategy (which knows what earlier attempts finished). */
  readonly scheduling: SchedulingStrategy;
  /** Failures to inject; absent: none (the deployments carry no `faults`). */
  readonly faults?: AttemptFaults | undefined;
}

interface RunningSubtask {
  readonly plan: SubtaskPlan;
  readonly port: MessagePort;
  readonly abort: AbortController;
  counters: SubtaskCounters;
  readonly execution: SubtaskExecution;
  /** Resolves when the subtask's last report (finished, failed, cancelled) has arrived. */
  reported: () => void;
}

export class ExecutionAttempt {
  readonly #init: AttemptInit;
  readonly #subtasks: RunningSubtask[] = [];
  /** The first failure (reported once, through the listener). */
  #failure: AttemptFailure | undefined;
  #cancelRequested = false;
  #cancelling = false;
  #cancelMessage: 'cancel' | 'stop' = 'cancel';
  #running = 0;
  #finishing = 0;
  #schedule: AttemptSchedule | undefined;

  constructor(init: AttemptInit) {
    this.#init = init;
  }

  /** Deploys the subtasks; resolves when all have ended and every thread is gone. */
  async run(): Promise<AttemptOutcome> {
    const pool = this.#init.pool;
    const attempt = this;
    try {
      this.#schedule = this.#init.scheduling.schedule({
        deploy: (plan) => this.#deploy(pool, plan),
        allFinished: (vertex) =>
          this.#subtasks.every((s) => s.plan.vertex !== vertex || s.execution.state === 'finished'),
        countsOf: (vertex) => this.#countsOf(vertex),
        get stopping() {
          return attempt.#cancelling;
        },
        fail: (error) => this.#fail(error),
        deliver: (batch) => this.#init.listener.onCollected(batch),
      });
      await this.#schedule.run();
    } catch (error) {
      // Planning or deploying failed on this thread: a failure like any other.
      this.#fail(toError(error));
    }
    if (this.#failure) return { status: 'failed' };
    if (this.#cancelRequested) return { status: 'cancelled' };
    return { status: 'finished' };
  }

  /** Asks every subtask to stop; threads that do not within the grace period are terminated. */
  cancel(): void {
    this.#cancelRequested = true;
    this.#cancelAll();
  }

  /** A cancel that lets every subtask first run the commits notified so far (stop-with-savepoint). */
  stop(): void {
    this.#cancelRequested = true;
    this.#cancelAll('stop');
  }

  /** Fails the attempt from outside (e.g. checkpointing failed too often). */
  fail(error: Error): void {
    this.#fail(error);
  }

  /** Sends a checkpoint control message to every running or finishing subtask that `target` selects. */
  send(message: CheckpointControl, target?: SubtaskTarget): void {
    for (const subtask of this.#subtasks) {
      const { state } = subtask.execution;
      if ((state === 'running' || state === 'finishing') && (!target || target(subtask.plan.vertex, state))) {
        subtask.port.postMessage(message);
      }
    }
  }

  /** Tells every finishing subtask to end (after the final checkpoint). */
  finish(): void {
    for (const subtask of this.#subtasks) {
      if (subtask.execution.state === 'finishing') subtask.port.postMessage({ type: 'finish' });
    }
  }

  /** How many of this attempt's subtasks run, and how many have come to the end of their input. */
  subtaskStates(): SubtaskStates {
    const scheduling = this.#init.scheduling;
    let running = 0;
    let finished = 0;
    for (const { plan, execution } of this.#subtasks) {
      const { state } = execution;
      if (state === 'running') running++;
      // Finished vertices are counted whole below, whichever attempt finished them.
      else if (
        (state === 'finishing' || state === 'finished') &&
        scheduling.finishedCounts(plan.vertex) === undefined
      )
        finished++;
    }
    for (const vertex of this.#init.graph.vertices)
      if (scheduling.finishedCounts(vertex) !== undefined) finished += vertex.parallelism;
    return { total: subtaskCount(this.#init.graph), running, finished };
  }

  /** Every deployed subtask of this attempt with its latest counters, in deployment order. */
  subtaskMetrics(): SubtaskMetrics[] {
    return this.#subtasks.map(({ plan, execution, counters }) => ({
      vertexId: plan.vertex.id,
      subtask: plan.subtaskIndex,
      state: execution.state,
      counters,
    }));
  }

  /** Per-operator counts of this attempt, in graph order: [vertex index][chain position] summed over subtasks. */
  counts(): number[][] {
    return this.#init.graph.vertices.map((vertex) => [
      ...(this.#init.scheduling.finishedCounts(vertex) ?? this.#countsOf(vertex)),
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

  async #deploy(pool: ThreadPool, plan: SubtaskPlan): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    const subtask: RunningSubtask = {
      plan,
      port: port1,
      abort: new AbortController(),
      counters: { recordsIn: [], recordsOut: 0 },
      execution: new SubtaskExecution(),
      reported: () => {},
    };
    // Reports travel on the control port, the run's return on the thread's: wait for both, so
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
      ...(this.#init.faults ? { faults: this.#init.faults.deployment } : {}),
    };
    try {
      await pool.run(deployment, {
        slot: this.#init.scheduling.placement.slotOf(plan),
        signal: subtask.abort.signal,
      });
      await reported;
    } catch (error) {
      if (subtask.execution.moveTo('failed')) {
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
        if (!subtask.execution.moveTo('running')) break;
        if (this.#cancelling) subtask.port.postMessage({ type: this.#cancelMessage });
        else if (++this.#running === subtaskCount(this.#init.graph)) {
          listener.onAllRunning();
        }
        break;
      case 'finishing':
        if (!subtask.execution.moveTo('finishing')) break;
        listener.onSubtaskFinishing((m) => subtask.port.postMessage(m));
        if (++this.#finishing === this.#subtasks.length && !this.#cancelling) listener.onAllFinishing();
        break;
      case 'metrics':
        subtask.counters = message.counters;
        break;
      case 'collected':
        this.#schedule?.onCollected(subtask.plan.vertex, message.batch);
        break;
      case 'ack':
      case 'decline':
        if (!this.#cancelling) listener.onCheckpointReport(message);
        break;
      case 'finished':
        subtask.counters = message.counters;
        if (subtask.execution.moveTo('finished')) listener.onSubtaskFinished();
        subtask.reported();
        break;
      case 'cancelled':
        subtask.counters = message.counters;
        subtask.execution.moveTo('cancelled');
        subtask.reported();
        break;
      case 'fault-fired':
        this.#onFaultFired(subtask, message.fault);
        break;
      case 'failed': {
        subtask.counters = message.counters;
        if (subtask.execution.moveTo('failed')) {
          const error = deserializeError(message.error);
          this.#schedule?.onFailed(subtask.plan.vertex, error);
          this.#fail(error, subtask);
        }
        subtask.reported();
        break;
      }
    }
  }

  /** An injected fault fired in `subtask`: count it, and stop the thread from outside if it says so. */
  #onFaultFired(subtask: RunningSubtask, index: number): void {
    const faults = this.#init.faults;
    const fault = faults?.deployment.faults[index];
    if (!faults || !fault) return;
    faults.hooks.onFired?.(fault, index);
    if (fault.kind === 'kill-process' && faults.hooks.killProcess) faults.hooks.killProcess(fault, index);
    else if (fault.kind === 'kill-process' || fault.kind === 'terminate-thread') subtask.abort.abort();
  }

  #fail(error: Error, from?: RunningSubtask): void {
    if (this.#failure === undefined && !this.#cancelRequested) {
      const source = from && { vertex: from.plan.vertex, subtask: from.plan.subtaskIndex };
      this.#failure = { error, source };
      this.#init.listener.onFailure(this.#failure);
    }
    this.#cancelAll();
  }

  #cancelAll(how: 'cancel' | 'stop' = 'cancel'): void {
    if (this.#cancelling) return;
    this.#cancelling = true;
    this.#cancelMessage = how;
    for (const subtask of this.#subtasks) {
      if (subtask.execution.active) subtask.port.postMessage({ type: how });
    }
    // Unref'd (timerScheduler): the grace period never keeps the process alive by itself.
    this.#init.timers.schedule(CANCEL_GRACE_MS, () => {
      for (const subtask of this.#subtasks) {
        if (subtask.execution.moveTo('cancelled')) subtask.abort.abort();
      }
    });
  }
}
