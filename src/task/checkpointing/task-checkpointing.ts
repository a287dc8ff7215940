/**
 * Wires checkpointing into one subtask (worker thread): the barrier handler for tasks with inputs,
 * the trigger queue for sources, the {@link SubtaskCheckpointer}, and the control messages
 * (trigger, complete, aborted). The task loop sees only {@link RunnerHooks}.
 */
import { Packr } from 'msgpackr';
import type { Barrier } from '../../channel/frame.ts';
import type { InputGate } from '../../channel/input-gate.ts';
import { createStateWriter } from '../../checkpoint/storage/state-writer.ts';
import type { CheckpointControl, CheckpointingDeployment, CheckpointReport } from '../../runtime/protocol.ts';
import type { BarrierHandler } from '../barrier/barrier-handler.ts';
import { createBarrierHandler } from '../barrier/create-barrier-handler.ts';
import type { OperatorChain } from '../operator-chain.ts';
import type { TaskOutput } from '../task-output.ts';
import type { RunnerHooks } from '../task-runner.ts';
import { type AlignmentMetrics, SubtaskCheckpointer } from './subtask-checkpointer.ts';

/** Most triggers a source holds before it declines new ones (the coordinator's max concurrent is smaller). */
const MAX_QUEUED_TRIGGERS = 16;

export class TaskCheckpointing {
  readonly hooks: RunnerHooks;
  readonly #checkpointer: SubtaskCheckpointer;
  readonly #triggers: Barrier[] = [];
  readonly #finalCheckpoint: boolean;
  #closing = false;
  #finished = false;
  /** Unaligned checkpoints capturing in-flight records, by checkpoint id. */
  readonly #captures = new Map<number, ChannelCapture>();
  /**
   * Record frames overtaken by barriers taken out of band before their checkpoint's snapshot (a
   * channel paused by an alignment, say), by checkpoint id: not processed at the snapshot, so they
   * are channel state. They are processed later, as usual, but never captured again.
   */
  readonly #overtaken = new Map<number, Uint8Array[]>();
  readonly #barriers: BarrierHandler | undefined;
  /** The checkpoint capturing when the batch being processed was read, if any. */
  #readUnder: number | undefined;
  readonly #gate: InputGate | undefined;
  /** Commits of two-phase-commit operators, run one after the other in checkpoint order. */
  #commits: Promise<void> = Promise.resolve();
  #commitError: unknown;
  readonly #onSinkFailure: ((error: unknown) => void) | undefined;

  constructor(init: {
    deployment: CheckpointingDeployment;
    vertexId: string;
    subtaskIndex: number;
    chain: OperatorChain;
    sourceUid: string | undefined;
    operatorUids: readonly string[];
    output: TaskOutput;
    gate: InputGate | undefined;
    report: (report: CheckpointReport) => void;
    /** Runs first in every asynchronous part (the test-only failure injection; it may throw). */
    beforeAsyncPart?: (() => void) | undefined;
    /**
     * A sink's pre-commit (before the ack) or commit (after a completed checkpoint) failed: the
     * subtask must fail (a failed commit is also kept for {@link idle}).
     */
    onSinkFailure?: (error: unknown) => void;
  }) {
    this.#onSinkFailure = init.onSinkFailure;
    const checkpointer = new SubtaskCheckpointer({
      task: { vertexId: init.vertexId, subtask: init.subtaskIndex },
      chain: init.chain,
      sourceUid: init.sourceUid,
      operatorUids: init.operatorUids,
      output: init.output,
      writer: createStateWriter(init.deployment.storage),
      incremental: init.deployment.incremental ?? false,
      report: init.report,
      beforeAsyncPart: init.beforeAsyncPart,
      ...(init.onSinkFailure ? { onDurableFailure: init.onSinkFailure } : {}),
    });
    this.#checkpointer = checkpointer;
    this.#finalCheckpoint = init.deployment.finalCheckpoint;
    const gate = init.gate;
    let barriers: BarrierHandler | undefined;
    if (gate) {
      barriers = createBarrierHandler(init.deployment.mode, {
        channels: gate.size,
        context: {
          pause: (channel) => gate.pause(channel),
          resumeAll: () => gate.resumeAll(),
          triggerSnapshot: (barrier, metrics) => this.#snapshot(barrier, metrics),
          abortCheckpoint: (checkpointId) => {
            this.#captures.delete(checkpointId);
            this.#overtaken.delete(checkpointId);
            checkpointer.abort(checkpointId, 'cancellation-barrier');
          },
          startCapture: (channel, checkpointId) => this.#capture(checkpointId).channels.add(channel),
          stopCapture: (channel, checkpointId) => this.#captures.get(checkpointId)?.channels.delete(channel),
          captureComplete: (checkpointId) => this.#completeChannelState(checkpointId),
        },
        ...(init.deployment.alignedCheckpointTimeoutMs === undefined
          ? {}
          : { alignedCheckpointTimeoutMs: init.deployment.alignedCheckpointTimeoutMs }),
      });
    }
    const triggers = this.#triggers;
    this.hooks = {
      barriers,
      onInputEnd: () => this.close(),
      triggersPending: () => triggers.length > 0,
      onRecords: (channel, records) => this.#onRecords(channel, records),
      onOvertakingBarrier: (channel, barrier, overtaken) =>
        this.#onOvertakingBarrier(channel, barrier, overtaken),
      betweenRecords: (_channel, records, from) => this.#betweenRecords(records, from),
      handleTriggers: () => {
        while (triggers.length > 0) {
          const barrier = triggers.shift()!;
          checkpointer.snapshot(barrier, {
            alignmentDurationMs: 0,
            startDelayMs: Math.max(0, Date.now() - barrier.timestamp),
          });
        }
      },
    };
    this.#barriers = barriers;
    this.#gate = gate;
  }

  #onOvertakingBarrier(channel: number, barrier: Barrier, overtaken: readonly Uint8Array[]): void {
    const barriers = this.#barriers!;
    const id = barrier.checkpointId;
    const capture = this.#captures.get(id);
    // A snapshot taken before (another channel's barrier) captures this channel as it is read:
    // the overtaken frames complete that capture, and the handler's stopCapture ends it.
    if (capture !== undefined) capture.batches.push(...overtaken);
    else if (overtaken.length > 0)
      this.#overtaken.set(id, [...(this.#overtaken.get(id) ?? []), ...overtaken]);
    barriers.onBarrier(channel, barrier);
    // A barrier the handler did not snapshot for (stale, or waiting for the rest): keep its
    // frames only while its checkpoint may still be snapshotted.
    for (const old of this.#overtaken.keys())
      if (old < barriers.latestCheckpointId) this.#overtaken.delete(old);
  }

  /**
   * The task pauses inside a batch (a slow chain): an overtaking barrier that arrived meanwhile is
   * taken now rather than after the batch. If it starts a snapshot, the batch's unprocessed rest,
   * read before that snapshot and not in it, becomes channel state ahead of what the barrier
   * overtook. Taken only where that rest cannot be in the state already: with no checkpoint under
   * way here (nothing captured or overtaken, no out-of-band barrier still ahead in the gate), or
   * while capturing the checkpoint the batch was read under (the rest is then captured with its
   * batch, or was never in flight: nothing to add for that checkpoint).
   */
  #betweenRecords(records: readonly unknown[], from: number): void {
    const barriers = this.#barriers;
    if (barriers === undefined || this.#gate === undefined || this.#overtaken.size > 0) return;
    const idle = barriers.pendingCheckpoints === 0 && this.#captures.size === 0;
    const readUnder = this.#readUnder;
    const capturing = readUnder !== undefined && this.#captures.has(readUnder);
    if (!idle && !capturing) return;
    const polled = this.#gate.pollOvertaking(capturing);
    if (polled === null || polled.event.kind !== 'overtaking-barrier') return;
    const { barrier, overtaken } = polled.event;
    const id = barrier.checkpointId;
    if (capturing && id === readUnder) {
      this.#onOvertakingBarrier(polled.channel, barrier, overtaken);
      return;
    }
    const rest = capturePackr.pack(records.slice(from)).slice();
    this.#onOvertakingBarrier(polled.channel, barrier, [rest, ...overtaken]);
    // Not snapshotted in that call (a stale barrier): the rest is processed as usual, not state.
    this.#overtaken.delete(id);
  }

  /** Whether the job ends with a final checkpoint (periodic checkpoints are on). */
  get finalCheckpoint(): boolean {
    return this.#finalCheckpoint;
  }

  /**
   * The subtask's input ended and its operators finished: from now on a trigger is answered at
   * once with the final state (no barrier goes out: the outputs have ended).
   */
  enterFinished(): void {
    this.#finished = true;
  }

  /**
   * The handler's snapshot. Record frames overtaken by this checkpoint's barriers before it are not
   * in the snapshot: they become its channel state, even when the handler decided it aligned.
   */
  #snapshot(barrier: Barrier, metrics: AlignmentMetrics): void {
    const id = barrier.checkpointId;
    const overtaken = this.#overtaken.get(id);
    if (overtaken === undefined) {
      this.#checkpointer.snapshot(barrier, metrics);
      return;
    }
    this.#overtaken.delete(id);
    this.#capture(id).batches.push(...overtaken);
    this.#checkpointer.snapshot(barrier, { ...metrics, unaligned: true });
    // Aligned (every barrier in): the handler will not call captureComplete, nothing is missing.
    if (!metrics.unaligned) this.#completeChannelState(id);
  }

  /** Hands the captured channel state of a checkpoint to the checkpointer; the ack may go. */
  #completeChannelState(checkpointId: number): void {
    const capture = this.#captures.get(checkpointId);
    this.#captures.delete(checkpointId);
    this.#checkpointer.completeChannelState(checkpointId, capture?.batches ?? []);
  }

  #capture(checkpointId: number): ChannelCapture {
    let capture = this.#captures.get(checkpointId);
    if (!capture) {
      capture = { channels: new Set(), batches: [] };
      this.#captures.set(checkpointId, capture);
    }
    return capture;
  }

  /**
   * Unaligned checkpoints: a batch read from `channel` while it is captured is in-flight data of
   * that checkpoint. It is encoded at once (operators may change the record objects afterwards).
   */
  #onRecords(channel: number, records: readonly unknown[]): void {
    this.#readUnder = undefined;
    if (this.#captures.size === 0) return;
    // One exactly-once checkpoint captures at a time: the batch is read under it.
    for (const id of this.#captures.keys()) this.#readUnder = id;
    let encoded: Uint8Array | undefined;
    for (const capture of this.#captures.values()) {
      if (!capture.channels.has(channel)) continue;
      encoded ??= capturePackr.pack(records).slice();
      capture.batches.push(encoded);
    }
  }

  /** Handles a checkpoint control message; the caller wakes the task loop afterwards. */
  onControl(message: CheckpointControl): void {
    switch (message.type) {
      case 'trigger-checkpoint':
        if (this.#finished) this.#checkpointer.snapshotFinal(message.barrier);
        else if (this.#closing) this.#checkpointer.decline(message.barrier.checkpointId, 'task-closing');
        else if (this.#triggers.length >= MAX_QUEUED_TRIGGERS)
          this.#checkpointer.decline(message.barrier.checkpointId, 'task-not-ready');
        else this.#triggers.push(message.barrier);
        break;
      case 'checkpoint-complete': {
        const id = message.checkpointId;
        this.#checkpointer.checkpointCompleted(id);
        this.#commits = this.#commits
          .then(() => this.#checkpointer.notifyComplete(id))
          .catch((error: unknown) => {
            // Fail the subtask now (as Flink fails a task whose notifyCheckpointComplete throws):
            // an unbounded job would otherwise run on without ever reporting the lost commit.
            this.#commitError ??= error;
            this.#onSinkFailure?.(error);
          });
        break;
      }
      case 'checkpoint-aborted':
        this.#captures.delete(message.checkpointId);
        this.#overtaken.delete(message.checkpointId);
        this.#checkpointer.notifyAborted(message.checkpointId);
        break;
    }
  }

  /** Input is exhausted: later triggers are declined; queued ones are declined now. */
  close(): void {
    this.#closing = true;
    for (const barrier of this.#triggers.splice(0))
      this.#checkpointer.decline(barrier.checkpointId, 'task-closing');
  }

  /**
   * Resolves once every snapshot in progress has been acknowledged or declined and every commit
   * notified so far has run; rejects with the first commit failure.
   */
  async idle(): Promise<void> {
    await this.#checkpointer.idle();
    await this.#commits;
    if (this.#commitError !== undefined) throw this.#commitError;
  }

  /** Releases in-flight snapshots (cancel or failure). */
  dispose(): void {
    this.#checkpointer.dispose();
  }
}

/** In-flight records of one unaligned checkpoint: the channels still captured, and what they delivered. */
interface ChannelCapture {
  readonly channels: Set<number>;
  readonly batches: Uint8Array[];
}

/** Encodes captured record batches (self-describing msgpack records, like the channels' frames). */
const capturePackr = new Packr({ useRecords: true, moreTypes: true });
