/**
 * The loop of one subtask, on its worker thread: pull records from the source or the input gate,
 * push them through the operator chain, respect backpressure, flush on the buffer timeout, and
 * stay responsive to control messages.
 *
 * The loop is an async function that runs synchronously while there is work and awaits only when
 * it must wait (no input, a full output ring, a rate-limited source) or, at most every
 * {@link YIELD_EVERY_MS}, to let the event loop deliver control messages (cancel) and timers.
 * Backpressure is checked after every record fed into the chain, so what one subtask holds beyond
 * its rings is what a single record produced.
 */

import type { Barrier } from '../channel/frame.ts';
import type { InputGate } from '../channel/input-gate.ts';
import { MAX_PARK_MS } from '../channel/park.ts';
import { SOURCE_END } from '../operators/operator.ts';
import { yieldToEventLoop } from '../util/event-loop.ts';
import type { BarrierHandler } from './barrier/barrier-handler.ts';
import type { OperatorChain } from './operator-chain.ts';
import type { TaskOutput } from './task-output.ts';
import { TaskTime } from './task-time.ts';

/** Longest stretch of synchronous work between two visits to the event loop (ms). */
export const YIELD_EVERY_MS = 5;
/** Source records pulled per poll. */
const SOURCE_BATCH = 256;

/** How checkpointing plugs into the loop; {@link NO_CHECKPOINTING} when it is off. */
export interface RunnerHooks {
  /** Source tasks: whether the coordinator's triggers are waiting to be handled. */
  triggersPending(): boolean;
  /** Source tasks: snapshots for the waiting triggers (called between two polls). */
  handleTriggers(): void;
  /** Tasks with inputs: decides on barriers, cancellation barriers and end of input. */
  readonly barriers: BarrierHandler | undefined;
  /** The input is exhausted (before operators finish and end of input goes downstream). */
  onInputEnd?(): void;
  /** Unaligned checkpoints: sees every record batch read, with its channel, before it is processed. */
  onRecords?(channel: number, records: readonly unknown[]): void;
  /**
   * Overtaking checkpoints: `channel`'s barrier came out of band, ahead of the record frames
   * `overtaken` (copies); the hook hands the barrier to the handler itself.
   */
  onOvertakingBarrier?(channel: number, barrier: Barrier, overtaken: readonly Uint8Array[]): void;
  /**
   * Overtaking checkpoints: the loop pauses inside `channel`'s batch, `records[from..]` still to be
   * processed; a barrier that overtakes may be taken now instead of after the whole batch.
   */
  betweenRecords?(channel: number, records: readonly unknown[], from: number): void;
}

export const NO_CHECKPOINTING: RunnerHooks = {
  triggersPending: () => false,
  handleTriggers: () => {},
  barriers: undefined,
};

export class TaskRunner {
  readonly #chain: OperatorChain;
  readonly #gate: InputGate | undefined;
  readonly #output: TaskOutput;
  readonly #hooks: RunnerHooks;
  /** Watermarks from the inputs, the end of a source, processing-time timers. */
  readonly #time: TaskTime;
  /** Restored in-flight records, processed before the inputs are read. */
  #replay: unknown[] | undefined;
  #cancelled = false;
  #failure: { readonly error: unknown } | undefined;
  #lastYield = performance.now();
  /** Ends the source's sleep on its rate limit early (a trigger must not wait out the timer). */
  #endSleep: (() => void) | undefined;
  /** Milliseconds spent waiting for input or for a source to have records (Flink's idle time). */
  idleMs = 0;
  readonly #stop = (): boolean => this.#cancelled;
  readonly #stopOrTrigger = (): boolean => this.#cancelled || this.#hooks.triggersPending();

  constructor(
    chain: OperatorChain,
    gate: InputGate | undefined,
    output: TaskOutput,
    hooks: RunnerHooks = NO_CHECKPOINTING,
    replay: unknown[] = [],
  ) {
    this.#chain = chain;
    this.#gate = gate;
    this.#output = output;
    this.#hooks = hooks;
    this.#time = new TaskTime(chain, gate?.size ?? 0);
    this.#replay = replay.length > 0 ? replay : undefined;
  }

  /** Wakes the loop if it waits for input (a control message needs attention). */
  wake(): void {
    this.#gate?.wake();
    this.#output.wake();
    this.#endSleep?.();
  }

  /** Whether {@link cancel} was called. */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Asks the loop to stop as soon as possible; wakes it if it is waiting. Any thread-local caller. */
  cancel(): void {
    this.#cancelled = true;
    this.wake();
  }

  /**
   * Fails the subtask from outside the loop (a sink whose pre-commit or commit failed):
   * the loop stops as for a cancel, and {@link failure} holds the error to report.
   */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.cancel();
  }

  /** The watermark combined from the subtask's inputs, if any (for metrics). */
  get inputWatermark(): number | undefined {
    return this.#time.inputWatermark;
  }

  /** The error given to {@link fail}, if any. */
  get failure(): { readonly error: unknown } | undefined {
    return this.#failure;
  }

  /** Runs to the end of input (resolves) or to cancellation (resolves, `cancelled` true). */
  async run(): Promise<void> {
    if (this.#chain.source) await this.#runSource();
    else await this.#runInputs();
    if (this.#cancelled) return;
    if (this.#chain.source) this.#time.onSourceEnd();
    this.#hooks.onInputEnd?.();
    for (const operator of this.#chain.operators) {
      await operator.finish?.();
      await this.#drain();
      if (this.#cancelled) return;
    }
    this.#output.emitEndOfInput();
    await this.#drain();
  }

  /** Waits until every channel took its backlog (end of input goes last, behind everything). */
  async #drain(): Promise<void> {
    while (this.#output.backlogged && !this.#cancelled) await this.#output.drainAll(this.#stop);
  }

  async #runSource(): Promise<void> {
    const source = this.#chain.source!;
    const head = this.#chain.head;
    const output = this.#output;
    const hooks = this.#hooks;
    // Restored output channel state (records an unaligned barrier went ahead of): out first.
    const replay = this.#replay ?? [];
    this.#replay = undefined;
    for (const record of replay) {
      output.collect(this.#time.unwrap(record));
      await this.#drain();
      if (this.#cancelled) return;
    }
    for (;;) {
      if (this.#cancelled) return;
      // Checkpoint triggers are taken between two polls, also while the output is blocked: the
      // barrier then waits in the backlog behind the records before it, in order.
      if (hooks.triggersPending()) hooks.handleTriggers();
      if (output.flag.blocked) {
        await output.waitForSpace(this.#stopOrTrigger);
        continue;
      }
      this.#time.fireTimers();
      if (output.flag.blocked) continue;
      const result = source.poll(head, SOURCE_BATCH);
      if (result === SOURCE_END) return;
      const now = performance.now();
      if (result > 0) {
        // The source has nothing now. A partial batch held while this thread sleeps only adds
        // latency (the sleep is a timer of a millisecond or more), so it goes out at once: batches
        // fill while the source is busy and are flushed when it runs dry (adaptive flush).
        output.flushAll();
        if (output.backlogged) {
          // Nothing to read: wait for the channels instead, so that no frame (a barrier) lingers.
          await output.drainAll(this.#stopOrTrigger);
          continue;
        }
        const idleFrom = performance.now();
        await this.#sleep(Math.min(result, MAX_PARK_MS, this.#time.msUntilTimer()));
        this.#lastYield = performance.now();
        this.idleMs += this.#lastYield - idleFrom;
        continue;
      }
      output.flushIfDue(now);
      if (now - this.#lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        this.#lastYield = performance.now();
      }
    }
  }

  /** Sleeps `ms`, or until {@link wake}: a checkpoint trigger or cancel arrived meanwhile. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.#endSleep = undefined;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.#endSleep = end;
    });
  }

  async #runInputs(): Promise<void> {
    const gate = this.#gate!;
    const head = this.#chain.head;
    const output = this.#output;
    const flag = output.flag;
    let pending: unknown[] | undefined = this.#replay;
    this.#replay = undefined;
    let next = 0;
    /** The channel `pending` came from; -1 for restored records. */
    let from = -1;
    while (!this.#cancelled) {
      if (flag.blocked) {
        await output.waitForSpace(this.#stop);
        continue;
      }
      if (pending !== undefined) {
        const records = pending;
        let i = next;
        while (i < records.length) {
          head.collect(records[i++]);
          if (flag.blocked) break;
          // A slow chain (a sink doing real work per record) must not keep the event loop, and
          // with it control messages and a snapshot's asynchronous part, waiting a whole frame.
          if ((i & 63) === 0 && performance.now() - this.#lastYield >= YIELD_EVERY_MS) break;
        }
        if (i < records.length) {
          next = i;
          if (!flag.blocked) {
            if (from >= 0) this.#hooks.betweenRecords?.(from, records, i);
            // The rest of the batch stays pending: nothing is polled before it, so order holds.
            await yieldToEventLoop();
            this.#lastYield = performance.now();
          }
          continue;
        }
        pending = undefined;
      }
      const now = performance.now();
      if (now - this.#lastYield >= YIELD_EVERY_MS) {
        output.flushIfDue(now);
        await yieldToEventLoop();
        this.#lastYield = performance.now();
        continue;
      }
      this.#time.fireTimers();
      if (flag.blocked) continue;
      const barriers = this.#hooks.barriers;
      if (barriers !== undefined && now >= barriers.alignmentDeadline) barriers.onAlignmentTimer();
      const polled = gate.poll();
      if (polled === null) {
        if (gate.finished) return;
        // No input: flush partial batches before waiting rather than at their timeout, since
        // nothing more would join them meanwhile (adaptive flush, as for sources).
        output.flushAll();
        if (output.backlogged) {
          // As for sources: wait for the channels rather than for input, so no frame lingers.
          await output.drainAll(this.#stop);
          continue;
        }
        const deadline = barriers?.alignmentDeadline ?? Number.POSITIVE_INFINITY;
        const waiting = gate.waitForInput(Math.min(deadline - now, MAX_PARK_MS, this.#time.msUntilTimer()));
        if (waiting !== undefined) {
          const idleFrom = performance.now();
          await waiting;
          this.#lastYield = performance.now();
          this.idleMs += this.#lastYield - idleFrom;
        }
        continue;
      }
      const { channel, event } = polled;
      switch (event.kind) {
        case 'records':
          this.#hooks.onRecords?.(channel, event.records);
          pending = event.records;
          next = 0;
          from = channel;
          break;
        case 'barrier':
          barriers?.onBarrier(channel, event.barrier);
          break;
        case 'overtaking-barrier':
          if (this.#hooks.onOvertakingBarrier)
            this.#hooks.onOvertakingBarrier(channel, event.barrier, event.overtaken);
          else barriers?.onBarrier(channel, event.barrier);
          break;
        case 'cancel-barrier':
          barriers?.onCancelBarrier(channel, event.checkpointId);
          break;
        case 'end-of-input':
          this.#time.onEndOfInput(channel);
          barriers?.onEndOfInput(channel);
          if (gate.finished) return;
          break;
        case 'watermark':
          this.#time.onWatermark(channel, event.timestamp);
          break;
        case 'watermark-status':
          this.#time.onWatermarkStatus(channel, event.idle);
          break;
        default:
          // Latency markers: no operator uses them yet.
          break;
      }
    }
  }
}
