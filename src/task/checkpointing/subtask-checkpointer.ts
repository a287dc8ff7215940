/**
 * A subtask's part of a checkpoint, on its worker thread. At the barrier (sources: when the
 * coordinator's trigger is handled between two polls) the synchronous part captures the source
 * position, operator states and the keyed backends' copy-on-write snapshots, then forwards the
 * barrier to every output; the asynchronous part encodes and writes the state while records keep
 * flowing, and acknowledges with state handles and metrics, or declines.
 */

import { Packr } from 'msgpackr';
import type { Barrier } from '../../channel/frame.ts';
import type { DeclineReason } from '../../checkpoint/failure-reason.ts';
import type { OperatorSnapshot, TaskId } from '../../checkpoint/messages.ts';
import type { SharedKeyedState, StateHandle } from '../../checkpoint/storage/state-handle.ts';
import type { StateWriter } from '../../checkpoint/storage/state-writer.ts';
import { WeirError } from '../../errors.ts';
import type { CheckpointReport } from '../../runtime/protocol.ts';
import type { EncodedKeyedState, KeyedStateSnapshot } from '../../state/keyed-state-snapshot.ts';
import { yieldToEventLoop } from '../../util/event-loop.ts';
import type { OperatorChain } from '../operator-chain.ts';
import type { TaskOutput } from '../task-output.ts';
import { IncrementalKeyedState, type SnapshotBase } from './incremental-keyed-state.ts';

/** What the barrier handler measured for a checkpoint. */
export interface AlignmentMetrics {
  readonly alignmentDurationMs: number;
  readonly startDelayMs: number;
  /** Unaligned: in-flight input records are still being captured; the ack waits for them. */
  readonly unaligned?: boolean;
}

interface Captured {
  readonly uid: string;
  operatorState?: unknown;
  keyed?: KeyedStateSnapshot;
  /** Incremental: the operator's bookkeeping; the base is chosen when the asynchronous part starts. */
  incremental?: IncrementalKeyedState;
  /** The operator's pre-commit in progress (see `Operator.snapshotDurable`), awaited before the ack. */
  durable?: Promise<void>;
  /** Sources: record frames the unaligned barrier went ahead of (output channel state). */
  output?: Uint8Array[];
}

/**
 * The asynchronous part encodes keyed state on the task's own thread, between records: in slices of
 * at most about a millisecond (small batches, a yield once the slice is used up), so that no record
 * waits behind the encoder for longer than that, however cold its code (the first snapshots run in
 * the interpreter: 10-20 ms per 512-entry batch on a loaded machine, 1 ms warm).
 */
const ENCODE_SLICING = { batchEntries: 64, sliceMs: 1 } as const;

/** How many answered checkpoint ids a subtask remembers. */
const MAX_REMEMBERED = 256;

/** Encodes operator state and channel state (plain data, typed arrays as msgpack extensions). */
const packr = new Packr({ useRecords: false, moreTypes: true });
/**
 * Encodes keyed-state envelopes: key-group blobs as msgpack `bin`, which unpacks as a view of the
 * envelope's bytes instead of a copy (the typed-array extension of `moreTypes` copies each blob).
 */
const envelopePackr = new Packr({ useRecords: false });

export class SubtaskCheckpointer {
  readonly #task: TaskId;
  readonly #chain: OperatorChain;
  readonly #sourceUid: string | undefined;
  readonly #operatorUids: readonly string[];
  readonly #output: TaskOutput;
  readonly #writer: StateWriter;
  /** Incremental keyed checkpoints: the bookkeeping per keyed operator uid; `undefined`: full. */
  readonly #incremental: Map<string, IncrementalKeyedState> | undefined;
  readonly #report: (report: CheckpointReport) => void;
  readonly #beforeAsyncPart: (() => void) | undefined;
  readonly #onDurableFailure: ((error: unknown) => void) | undefined;
  /** Snapshots whose asynchronous part is running, by checkpoint id. */
  readonly #inFlight = new Map<number, Captured[]>();
  /** The asynchronous parts still running. */
  readonly #work = new Set<Promise<void>>();
  /** Checkpoints this subtask snapshotted, declined or aborted (a repeated trigger is ignored). */
  readonly #handled = new Set<number>();
  /** Unaligned checkpoints waiting for their captured channel state (encoded record batches). */
  readonly #channelState = new Map<number, (batches: Uint8Array[]) => void>();

  constructor(init: {
    task: TaskId;
    chain: OperatorChain;
    sourceUid: string | undefined;
    operatorUids: readonly string[];
    output: TaskOutput;
    writer: StateWriter;
    /** Checkpoint keyed state incrementally (savepoints stay full). */
    incremental?: boolean;
    report: (report: CheckpointReport) => void;
    /** Runs first in every asynchronous part (the test-only failure injection; it may throw). */
    beforeAsyncPart?: (() => void) | undefined;
    /**
     * An operator's pre-commit failed (`Operator.snapshotDurable`): its transaction is lost, so
     * the subtask must fail (with the operator's error) rather than decline and run on. Without
     * it, the checkpoint is declined.
     */
    onDurableFailure?: (error: unknown) => void;
  }) {
    this.#beforeAsyncPart = init.beforeAsyncPart;
    this.#incremental = init.incremental ? new Map() : undefined;
    this.#task = init.task;
    this.#chain = init.chain;
    this.#sourceUid = init.sourceUid;
    this.#operatorUids = init.operatorUids;
    this.#output = init.output;
    this.#writer = init.writer;
    this.#report = init.report;
    this.#onDurableFailure = init.onDurableFailure;
  }

  /** Number of checkpoints whose asynchronous part has not finished. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Takes checkpoint `barrier.checkpointId` now: the synchronous part, then the barrier goes
   * downstream, then the asynchronous part runs in the background.
   */
  snapshot(barrier: Barrier, metrics: AlignmentMetrics): void {
    this.#take(barrier, metrics, true);
  }

  /**
   * A finished subtask's part of a checkpoint: its final state, no barrier (its outputs ended). A
   * checkpoint this subtask already took part in is ignored.
   */
  snapshotFinal(barrier: Barrier): void {
    this.#take(
      barrier,
      { alignmentDurationMs: 0, startDelayMs: Math.max(0, Date.now() - barrier.timestamp) },
      false,
    );
  }

  #take(barrier: Barrier, metrics: AlignmentMetrics, forward: boolean): void {
    const id = barrier.checkpointId;
    if (this.#handled.has(id)) return;
    this.#remember(id);
    const started = performance.now();
    let captured: Captured[];
    try {
      captured = this.#capture(barrier.checkpointId, barrier.savepoint);
    } catch (error) {
      this.abort(barrier.checkpointId, 'snapshot-failed', error);
      return;
    }
    const syncDurationMs = performance.now() - started;
    // The source's count (chain position 0) at its snapshot: the records before its barrier.
    const sourceRecords = this.#chain.source ? (this.#chain.counts[0] ?? 0) : 0;
    if (forward && this.#chain.source && captured[0]?.uid === this.#sourceUid) {
      // Unaligned: the barrier goes ahead of what a full ring holds back in the writers; those
      // records are the source's output channel state, replayed before it reads on after a restore.
      const held = this.#output.emitBarrierAhead(barrier);
      if (held.length > 0) captured[0]!.output = held;
    } else if (forward) this.#output.emitBarrier(barrier);
    this.#inFlight.set(barrier.checkpointId, captured);
    const channelState = metrics.unaligned
      ? new Promise<Uint8Array[]>((resolve) => this.#channelState.set(id, resolve))
      : undefined;
    const work = this.#complete(
      barrier.checkpointId,
      captured,
      { ...metrics, syncDurationMs, sourceRecords },
      channelState,
    );
    this.#work.add(work);
    void work.finally(() => this.#work.delete(work));
  }

  /**
   * Unaligned: the in-flight records of checkpoint `checkpointId` are all captured (record batches,
   * msgpack-encoded); they are stored as the chain head's channel state and the ack may go.
   */
  completeChannelState(checkpointId: number, batches: Uint8Array[]): void {
    const resolve = this.#channelState.get(checkpointId);
    this.#channelState.delete(checkpointId);
    resolve?.(batches);
  }

  /** Resolves when every asynchronous part started so far has acknowledged or declined. */
  async idle(): Promise<void> {
    while (this.#work.size > 0) await Promise.all([...this.#work]);
  }

  /** Gives up on a checkpoint: cancellation barrier downstream, decline upstream. */
  abort(checkpointId: number, reason: DeclineReason, error?: unknown): void {
    this.#remember(checkpointId);
    this.#release(checkpointId);
    this.#output.emitCancelBarrier(checkpointId);
    this.#decline(checkpointId, reason, error);
  }

  /** Declines a checkpoint this subtask cannot take part in (it never saw or forwarded its barrier). */
  decline(checkpointId: number, reason: DeclineReason, error?: unknown): void {
    this.#remember(checkpointId);
    this.#decline(checkpointId, reason, error);
  }

  /** Remembers that this subtask answered a checkpoint (bounded: the newest ids only). */
  #remember(checkpointId: number): void {
    this.#handled.add(checkpointId);
    if (this.#handled.size > MAX_REMEMBERED) this.#handled.delete(this.#handled.values().next().value!);
  }

  /** The coordinator aborted a checkpoint: drop what is still being written for it. */
  notifyAborted(checkpointId: number): void {
    this.#release(checkpointId);
    for (const state of this.#incremental?.values() ?? []) state.aborted(checkpointId);
    for (const operator of this.#chain.operators) operator.notifyCheckpointAborted?.(checkpointId);
  }

  /**
   * The coordinator committed a checkpoint: incremental keyed state may build on it from now on.
   * Called as soon as the notification arrives; {@link notifyComplete} follows in commit order.
   */
  checkpointCompleted(checkpointId: number): void {
    for (const state of this.#incremental?.values() ?? []) state.completed(checkpointId);
  }

  /** The coordinator committed a checkpoint: let operators (two-phase-commit sinks) commit, in chain order. */
  async notifyComplete(checkpointId: number): Promise<void> {
    this.checkpointCompleted(checkpointId);
    await this.#chain.source?.notifyCheckpointComplete?.(checkpointId);
    for (const operator of this.#chain.operators) await operator.notifyCheckpointComplete?.(checkpointId);
  }

  /** Releases every in-flight snapshot (the task is going away). */
  dispose(): void {
    for (const id of [...this.#inFlight.keys()]) this.#release(id);
  }

  #capture(checkpointId: number, savepoint: boolean): Captured[] {
    const captured: Captured[] = [];
    if (this.#chain.source && this.#sourceUid !== undefined) {
      captured.push({
        uid: this.#sourceUid,
        operatorState: { splits: this.#chain.source.snapshotSplits(checkpointId) },
      });
    }
    this.#chain.operators.forEach((operator, i) => {
      const uid = this.#operatorUids[i]!;
      const entry: Captured = { uid };
      if (operator.snapshotState) entry.operatorState = operator.snapshotState(checkpointId);
      const durable = operator.snapshotDurable?.(checkpointId);
      if (durable !== undefined) {
        // Awaited in the asynchronous part; an abort before then must not leave it unhandled.
        durable.catch(() => {});
        entry.durable = durable;
      }
      const backend = this.#chain.keyedBackends.get(uid);
      if (backend) {
        entry.keyed = backend.snapshot();
        if (this.#incremental !== undefined && !savepoint && entry.keyed.sequence !== undefined) {
          let state = this.#incremental.get(uid);
          if (state === undefined) this.#incremental.set(uid, (state = new IncrementalKeyedState()));
          entry.incremental = state;
        }
      }
      if (entry.operatorState !== undefined || entry.keyed || entry.durable) captured.push(entry);
    });
    return captured;
  }

  async #complete(
    checkpointId: number,
    captured: Captured[],
    metrics: AlignmentMetrics & { readonly syncDurationMs: number; readonly sourceRecords: number },
    channelState: Promise<Uint8Array[]> | undefined,
  ): Promise<void> {
    const started = performance.now();
    try {
      this.#beforeAsyncPart?.();
      const operators: OperatorSnapshot[] = [];
      let stateBytes = 0;
      let sharedBytes = 0;
      let channel: StateHandle | undefined;
      let inFlightBytes = 0;
      if (channelState) {
        const batches = await channelState;
        if (!this.#inFlight.has(checkpointId)) return; // aborted meanwhile
        channel = await this.#write(checkpointId, this.#operatorUids[0]!, 'channel', packr.pack({ batches }));
        stateBytes += channel.bytes;
        if (batches.length > 0) inFlightBytes = channel.bytes;
      }
      for (const entry of captured) {
        let keyed: StateHandle | undefined;
        let keyedShared: SharedKeyedState[] = [];
        let operator: StateHandle | undefined;
        if (entry.keyed) {
          const incremental = entry.incremental;
          let base: SnapshotBase | undefined;
          if (incremental !== undefined) {
            // The base is the latest checkpoint known complete. Its notification was sent before
            // this checkpoint was triggered, but may still wait in the port while the barrier came
            // through the rings: one turn of the event loop delivers it. The tables are pinned, so
            // choosing the base now instead of at the barrier changes nothing else.
            await yieldToEventLoop();
            base = incremental.base();
          }
          const encoded = await entry.keyed.encode({
            ...ENCODE_SLICING,
            ...(incremental === undefined ? {} : { incremental: base === undefined ? {} : { base } }),
          });
          keyed = await this.#write(checkpointId, entry.uid, 'keyed', encodeKeyedEnvelope(encoded));
          stateBytes += keyed.bytes;
          if (incremental !== undefined) {
            keyedShared = incremental.record(checkpointId, entry.keyed.sequence!, encoded, keyed, base);
            for (const shared of keyedShared) sharedBytes += shared.handle.bytes;
          }
        }
        if (entry.durable !== undefined && !(await this.#durable(checkpointId, entry.durable))) return;
        if (entry.operatorState !== undefined) {
          operator = await this.#write(checkpointId, entry.uid, 'operator', packr.pack(entry.operatorState));
          stateBytes += operator.bytes;
        }
        let output: StateHandle | undefined;
        if (entry.output !== undefined) {
          output = await this.#write(
            checkpointId,
            entry.uid,
            'channel',
            packr.pack({ batches: entry.output }),
          );
          stateBytes += output.bytes;
          inFlightBytes += output.bytes;
        }
        if (!this.#inFlight.has(checkpointId)) return; // aborted meanwhile
        const head = channel !== undefined && entry.uid === this.#operatorUids[0];
        operators.push({
          operatorUid: entry.uid,
          ...(keyed ? { keyed } : {}),
          ...(keyedShared.length > 0 ? { keyedShared } : {}),
          ...(operator ? { operator } : {}),
          ...(head && channel !== undefined ? { channel } : {}),
          ...(output !== undefined ? { channel: output } : {}),
        });
        if (head) channel = undefined;
      }
      if (channel !== undefined) operators.push({ operatorUid: this.#operatorUids[0]!, channel });
      if (!this.#inFlight.delete(checkpointId)) return;
      this.#report({
        type: 'ack',
        ack: {
          checkpointId,
          task: this.#task,
          operators,
          metrics: {
            syncDurationMs: metrics.syncDurationMs,
            asyncDurationMs: performance.now() - started,
            alignmentDurationMs: metrics.alignmentDurationMs,
            startDelayMs: metrics.startDelayMs,
            stateBytes: stateBytes + sharedBytes,
            checkpointedBytes: stateBytes,
            sourceRecords: metrics.sourceRecords,
            ...(inFlightBytes > 0 ? { inFlightBytes } : {}),
          },
        },
      });
    } catch (error) {
      if (!this.#inFlight.has(checkpointId)) return;
      this.#release(checkpointId);
      this.#decline(checkpointId, 'snapshot-failed', error);
    }
  }

  /**
   * Awaits an operator's pre-commit; false when it failed and the subtask fails instead of
   * declining (as Flink fails a task whose sink cannot pre-commit: a decline would let the job run
   * on, or fail later as too many declined checkpoints, without the sink's error).
   */
  async #durable(checkpointId: number, durable: Promise<void>): Promise<boolean> {
    try {
      await durable;
      return true;
    } catch (error) {
      // Even for an aborted checkpoint: the transaction is pending in the sink, and a later commit
      // would take its absence for an earlier commit.
      if (this.#onDurableFailure === undefined) throw error;
      this.#release(checkpointId);
      this.#onDurableFailure(error);
      return false;
    }
  }

  #write(
    checkpointId: number,
    operatorUid: string,
    kind: 'keyed' | 'operator' | 'channel',
    bytes: Uint8Array,
  ): Promise<StateHandle> {
    return this.#writer.write({ checkpointId, operatorUid, subtask: this.#task.subtask, kind }, bytes);
  }

  #release(checkpointId: number): void {
    this.#channelState.get(checkpointId)?.([]);
    this.#channelState.delete(checkpointId);
    const captured = this.#inFlight.get(checkpointId);
    this.#inFlight.delete(checkpointId);
    if (captured) for (const entry of captured) entry.keyed?.release();
  }

  #decline(checkpointId: number, reason: DeclineReason, error: unknown): void {
    const e = error instanceof Error ? error : new Error(error === undefined ? reason : String(error));
    this.#report({
      type: 'decline',
      decline: {
        checkpointId,
        task: this.#task,
        reason,
        error: {
          message: e.message,
          ...(e instanceof WeirError ? { code: e.code, classification: e.classification } : {}),
        },
      },
    });
  }
}

/** The bytes of a keyed-state envelope, as a subtask writes its keyed state handle. */
export function encodeKeyedEnvelope(encoded: EncodedKeyedState): Uint8Array {
  return envelopePackr.pack(encoded);
}

/** Decodes what {@link SubtaskCheckpointer} wrote (operator state and keyed envelopes). */
export function decodeSnapshotBytes(bytes: Uint8Array): unknown {
  return packr.unpack(bytes);
}
