/**
 * The life of one subtask in its worker thread: build, run, then end in one of three ways.
 *
 * ```
 * building ─▶ running ─▶ finishing ─(finish)─▶ finished
 *                │ ╲           │
 *                │  ╲(cancel)  └─(cancel)─▶ cancelled
 *                ▼   ▶ cancelled
 *              failed (any exception, reported with the typed error)
 * ```
 * A subtask deployed with checkpointing (every pipelined job: manual checkpoints and savepoints work
 * with periodic ones off too) that reached the end of its input does not exit at once: it reports
 * `finishing` and keeps answering checkpoint triggers with its final state until the job master,
 * after the job's final checkpoint (with periodic checkpoints on) completed and two-phase-commit
 * sinks committed, tells it to finish. That is how a bounded job's output stays exactly-once even
 * if some subtask fails after others ended (Flink's FLIP-147). A subtask of a batch job run by
 * stages has no checkpointing and ends at once, freeing its thread for the next stage.
 */
import type { MessagePort } from 'node:worker_threads';
import { serializeError } from '../runtime/error-transport.ts';
import type {
  CheckpointControl,
  ControlFromTask,
  ControlToTask,
  SubtaskCounters,
  TaskDeployment,
} from '../runtime/protocol.ts';
import { TaskCheckpointing } from './checkpointing/task-checkpointing.ts';
import { disposeKeyedState } from './operator-chain.ts';
import { type BuiltSubtask, buildSubtask } from './subtask-builder.ts';
import type { TaskOutput } from './task-output.ts';
import { TaskRunner } from './task-runner.ts';

/** Control messages that arrived while the subtask was still being built are kept, this many at most. */
const MAX_EARLY_MESSAGES = 64;

export class SubtaskHost {
  readonly #deployment: TaskDeployment;
  readonly #port: MessagePort;
  #built: BuiltSubtask | undefined;
  #output: TaskOutput | undefined;
  #runner: TaskRunner | undefined;
  #checkpointing: TaskCheckpointing | undefined;
  #cancelRequested = false;
  /** Stop-with-savepoint: a cancel that first runs the commits notified so far. */
  #stopRequested = false;
  #finishRequested = false;
  #wake: (() => void) | undefined;
  readonly #early: CheckpointControl[] = [];
  /** When the task loop started, and how long it ran once it returned (time metrics). */
  #runningSince: number | undefined;
  #ranMs: number | undefined;

  constructor(deployment: TaskDeployment) {
    this.#deployment = deployment;
    this.#port = deployment.control;
    this.#port.on('message', (message: ControlToTask) => this.#onControl(message));
  }

  async run(): Promise<void> {
    const metrics = setInterval(
      () => this.#send({ type: 'metrics', counters: this.#counters() }),
      this.#deployment.metricsIntervalMs,
    );
    try {
      const end = await this.#lifecycle();
      this.#send({ type: end, counters: this.#counters() });
    } catch (error) {
      // Close the outgoing rings so that no consumer waits for this subtask; the job master
      // cancels every other subtask on this report.
      this.#output?.closeAll();
      this.#send({ type: 'failed', error: serializeError(error), counters: this.#counters() });
    } finally {
      clearInterval(metrics);
      this.#built?.gate?.close();
      this.#checkpointing?.dispose();
      await this.#close();
      // The port stays open: the job master closes it once it has read the last report.
    }
  }

  async #lifecycle(): Promise<'finished' | 'cancelled'> {
    const deployment = this.#deployment;
    const built = await buildSubtask(
      deployment,
      (batch) => this.#send({ type: 'collected', batch }),
      (output) => {
        this.#output = output;
      },
      (fault) => this.#send({ type: 'fault-fired', fault }),
    );
    this.#built = built;
    if (deployment.checkpointing) {
      this.#checkpointing = new TaskCheckpointing({
        deployment: deployment.checkpointing,
        vertexId: deployment.vertexId,
        subtaskIndex: deployment.subtaskIndex,
        chain: built.chain,
        sourceUid: built.sourceUid,
        operatorUids: built.operatorUids,
        output: built.output,
        gate: built.gate,
        report: (report) => this.#send(report),
        beforeAsyncPart: built.faults?.checkpointHook(built.vertex.nodes.map((n) => n.resolvedUid)),
        onSinkFailure: (error) => {
          this.#runner?.fail(error);
          // A subtask waiting to finish (input ended) fails as well.
          this.#wake?.();
        },
      });
      for (const message of this.#early.splice(0)) this.#checkpointing.onControl(message);
    }
    const runner = new TaskRunner(
      built.chain,
      built.gate,
      built.output,
      this.#checkpointing?.hooks,
      built.replay,
    );
    this.#runner = runner;
    if (this.#cancelRequested) runner.cancel();
    this.#send({ type: 'running' });
    this.#runningSince = performance.now();
    await runner.run();
    this.#ranMs = performance.now() - this.#runningSince;
    if (runner.failure) throw runner.failure.error;
    if (runner.cancelled) return await this.#cancelled();
    // Acknowledge what was snapshotted before going on (in-flight writes finish first).
    await this.#checkpointing?.idle();
    // A subtask whose input ended stays until every subtask's has (Flink's checkpoints after tasks
    // finished, FLIP-147): it answers triggers with its final state, so checkpoints and savepoints
    // still complete while the rest of the job runs, and with periodic checkpoints on the job
    // ends with a final checkpoint.
    if (this.#checkpointing) {
      this.#checkpointing.enterFinished();
      this.#send({ type: 'finishing' });
      await this.#until(
        () => this.#finishRequested || this.#cancelRequested || this.#runner?.failure !== undefined,
      );
      // Re-read: a commit may have failed while this subtask waited (TypeScript keeps the earlier narrowing).
      const failed = runner.failure as { readonly error: unknown } | undefined;
      if (failed) throw failed.error;
      if (this.#cancelRequested && !this.#finishRequested) return await this.#cancelled();
    }
    await this.#checkpointing?.idle();
    return 'finished';
  }

  async #cancelled(): Promise<'cancelled'> {
    // The savepoint's commit ran before a stop ends the subtask (its output is the job's result).
    if (this.#stopRequested) await this.#checkpointing?.idle();
    this.#output?.closeAll();
    return 'cancelled';
  }

  #onControl(message: ControlToTask): void {
    switch (message.type) {
      case 'stop':
      case 'cancel':
        this.#stopRequested ||= message.type === 'stop';
        this.#cancelRequested = true;
        this.#runner?.cancel();
        this.#wake?.();
        return;
      case 'finish':
        this.#finishRequested = true;
        this.#wake?.();
        return;
      default:
        if (this.#checkpointing) {
          this.#checkpointing.onControl(message);
          this.#runner?.wake();
        } else if (this.#early.length < MAX_EARLY_MESSAGES) {
          this.#early.push(message);
        }
    }
  }

  /** Waits, without blocking the event loop, until `condition` holds (re-checked on every control message). */
  async #until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        // A referenced timer keeps the worker's event loop alive while it only waits for messages.
        setTimeout(resolve, 1000);
      });
      this.#wake = undefined;
    }
  }

  async #close(): Promise<void> {
    const chain = this.#built?.chain;
    if (!chain) return;
    chain.source?.close?.();
    try {
      for (const operator of chain.operators) await operator.close?.();
    } finally {
      disposeKeyedState(chain);
    }
  }

  #send(message: ControlFromTask): void {
    this.#port.postMessage(message);
  }

  #counters(): SubtaskCounters {
    const chain = this.#built?.chain;
    const output = this.#output;
    return {
      recordsIn: chain ? [...chain.counts] : [],
      recordsOut: output ? output.writers.reduce((sum, w) => sum + w.stats.records + w.pendingRecords, 0) : 0,
      ...this.#time(),
      ...this.#volume(),
    };
  }

  /** Bytes through the channels, and the watermarks in and out. */
  #volume(): Pick<SubtaskCounters, 'bytesIn' | 'bytesOut' | 'watermarks'> {
    const output = this.#output;
    const input = this.#runner?.inputWatermark;
    const sent = output?.watermark;
    return {
      bytesIn: this.#built?.gate?.bytesIn ?? 0,
      bytesOut: output ? output.writers.reduce((sum, w) => sum + w.stats.bytes, 0) : 0,
      ...(input !== undefined || sent !== undefined
        ? {
            watermarks: {
              ...(input !== undefined ? { input } : {}),
              ...(sent !== undefined ? { output: sent } : {}),
            },
          }
        : {}),
    };
  }

  #time(): Pick<SubtaskCounters, 'time'> {
    const since = this.#runningSince;
    if (since === undefined || !this.#runner || !this.#output) return {};
    const runningMs = this.#ranMs ?? performance.now() - since;
    return {
      time: { runningMs, idleMs: this.#runner.idleMs, backPressuredMs: this.#output.backPressuredMs },
    };
  }
}
