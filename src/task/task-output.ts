/**
 * The outputs of a subtask: one {@link EdgeOutput} per outgoing edge, each choosing channels by its
 * partitioner, and {@link TaskOutput}, which fans records out to all edges and sends control events
 * (barriers, end of input) and flushes to every channel.
 *
 * Thread: the subtask's worker thread. Backpressure is reported through `flag.blocked`, which the
 * task loop checks after every record it feeds into the chain: set when an edge can take no record,
 * which for a rebalance edge means all of its channels are full. Rebalance is load-aware: it skips
 * a channel whose ring is full while another has room (records of a rebalance edge have no order
 * across channels), so that a consumer that gets less of the CPU (one sharing its thread with the
 * producer, docs/threads.md) gets fewer records instead of stalling the producer.
 */

import type { ChannelWriter } from '../channel/channel-writer.ts';
import type { Barrier } from '../channel/frame.ts';
import type { PartitionerSpec } from '../graph/stream-node.ts';
import type { Collector, Key, RuntimeContext } from '../operators/functions.ts';
import type { StreamOutput } from '../operators/operator.ts';
import { SKIP_RECORD } from '../operators/side-output.ts';
import { userFunctionError } from '../operators/user-function-error.ts';
import { subtaskSelector } from '../state/key-groups.ts';
import { CombiningOutput } from './combining-output.ts';

/** Shared flag: set by any edge output that can take no more records. */
export interface BlockedFlag {
  blocked: boolean;
}

/** An edge's collector, and whether the edge can take no record now (tries the backlogs first). */
export interface EdgeCollector extends Collector<unknown> {
  blocked(): boolean;
}

/** Whether every writer is blocked after trying to drain its backlog (a rebalance edge's test). */
function allBlocked(writers: readonly ChannelWriter[]): boolean {
  for (const w of writers) if (!w.blocked || w.tryDrain()) return false;
  return true;
}

/** Whether some writer is blocked after trying to drain its backlog. */
function anyBlocked(writers: readonly ChannelWriter[]): boolean {
  for (const w of writers) if (w.blocked && !w.tryDrain()) return true;
  return false;
}

/** The first writer after `from` (round-robin) that is not blocked or drains, else undefined. */
function openWriter(writers: readonly ChannelWriter[], from: number): ChannelWriter | undefined {
  const n = writers.length;
  for (let k = 0; k < n; k++) {
    const w = writers[(from + k) % n]!;
    if (!w.blocked || w.tryDrain()) return w;
  }
  return undefined;
}

/** Where an edge runs: the producing subtask, and the operator that consumes the edge. */
export interface EdgeContext {
  readonly maxParallelism: number;
  /** The producing subtask's index and its operator's parallelism. */
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** The consuming operator, named when its key selector fails in the producer. */
  readonly consumer: { readonly operatorName: string; readonly operatorUid: string };
  /**
   * Pre-aggregate before a keyed exchange whose partitioner can combine, holding partials at most
   * this many ms (Infinity: batch mode, until the end of input); `null`: never.
   */
  readonly combine: number | null;
  /**
   * The producer has side outputs: what of each record the edge's consumer reads (the record, its
   * side output's value, or {@link SKIP_RECORD}); see side-output.ts.
   */
  readonly select?: (record: unknown) => unknown;
}

/**
 * Routes records of one edge to the consumer subtasks' channels. A hash edge's key selector runs
 * here, in the producer: what it throws fails the job naming the consumer and this subtask.
 */
export function edgeOutput(
  writers: readonly ChannelWriter[],
  partitioner: PartitionerSpec,
  where: EdgeContext,
  flag: BlockedFlag,
): EdgeCollector {
  const { maxParallelism, subtaskIndex, consumer } = where;
  const n = writers.length;
  const blocked = (): boolean => anyBlocked(writers);
  switch (partitioner.kind) {
    case 'forward': {
      const w = writers[0]!;
      return {
        blocked,
        collect(record) {
          w.emit(record);
          if (w.blocked) flag.blocked = true;
        },
      };
    }
    case 'rebalance': {
      let next = subtaskIndex % n;
      return {
        blocked: () => allBlocked(writers),
        collect(record) {
          let w = writers[next]!;
          next = next + 1 === n ? 0 : next + 1;
          // A full channel is skipped while another has room; its backlog (one frame at most)
          // goes first when its turn comes again, or when the task drains before it idles.
          if (w.blocked && !w.tryDrain()) w = openWriter(writers, next) ?? w;
          w.emit(record);
          if (w.blocked && allBlocked(writers)) flag.blocked = true;
        },
      };
    }
    case 'shuffle':
      return {
        blocked,
        collect(record) {
          const w = writers[Math.floor(Math.random() * n)]!;
          w.emit(record);
          if (w.blocked) flag.blocked = true;
        },
      };
    case 'broadcast':
      return {
        blocked,
        collect(record) {
          for (const w of writers) {
            w.emit(record);
            if (w.blocked) flag.blocked = true;
          }
        },
      };
    case 'hash': {
      const key = partitioner.key;
      const subtaskFor = subtaskSelector(maxParallelism, n);
      const context: RuntimeContext = {
        operatorName: `${consumer.operatorName} (keyBy ${partitioner.description})`,
        operatorUid: consumer.operatorUid,
        subtaskIndex,
        parallelism: where.parallelism,
      };
      return {
        blocked,
        collect(record) {
          let k: Key;
          try {
            k = key(record);
          } catch (error) {
            throw userFunctionError(context, record, error);
          }
          const w = writers[subtaskFor(k)]!;
          w.emit(record);
          if (w.blocked) flag.blocked = true;
        },
      };
    }
  }
}

/** All outputs of a subtask. */
export class TaskOutput implements StreamOutput {
  /** True when some edge can take no record: stop feeding records and await {@link waitForSpace}. */
  readonly flag: BlockedFlag = { blocked: false };
  readonly #edges: Collector<unknown>[] = [];
  /** Each edge's own collector (under any combiner) and its writers. */
  readonly #routes: { readonly edge: EdgeCollector; readonly writers: readonly ChannelWriter[] }[] = [];
  readonly #writers: ChannelWriter[] = [];
  readonly #combiners: CombiningOutput[] = [];
  /** Whether a record re-sent through {@link collect} reaches exactly one channel, as it did. */
  #replayable = false;
  #watermark: number | undefined;

  /** Adds an edge; returns nothing, records then go to every edge added. */
  addEdge(writers: readonly ChannelWriter[], partitioner: PartitionerSpec, where: EdgeContext): void {
    const spec = where.combine !== null && partitioner.kind === 'hash' ? partitioner.combine : undefined;
    // Partials of another shape than the records (count's) are routed by their own key.
    const routing =
      spec?.partialKey && partitioner.kind === 'hash'
        ? { ...partitioner, key: spec.partialKey }
        : partitioner;
    const routed = edgeOutput(writers, routing, where, this.flag);
    this.#routes.push({ edge: routed, writers });
    const edge = selecting(routed, where.select);
    if (spec && partitioner.kind === 'hash') {
      const combiner = new CombiningOutput(partitioner.key, spec, edge, {
        subtaskIndex: where.subtaskIndex,
        parallelism: where.parallelism,
        maxDelayMs: where.combine ?? Number.POSITIVE_INFINITY,
      });
      this.#combiners.push(combiner);
      this.#edges.push(combiner);
    } else {
      this.#edges.push(edge);
    }
    this.#writers.push(...writers);
    this.#replayable = this.#edges.length === 1 && partitioner.kind !== 'broadcast' && spec === undefined;
  }

  /** Every channel writer of this subtask. */
  get writers(): readonly ChannelWriter[] {
    return this.#writers;
  }

  collect(record: unknown): void {
    const edges = this.#edges;
    if (edges.length === 1) edges[0]!.collect(record);
    else for (const edge of edges) edge.collect(record);
  }

  /**
   * Sends partials whose mini-batch is over and flushes batches whose flush timeout passed; returns
   * the earliest pending deadline.
   */
  flushIfDue(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const c of this.#combiners) {
      const deadline = c.flushIfDue(now);
      if (deadline < next) next = deadline;
    }
    for (const w of this.#writers) {
      const deadline = w.flushIfDue(now);
      if (deadline < next) next = deadline;
    }
    return next;
  }

  /** Flushes every partial batch now. */
  flushAll(): void {
    for (const w of this.#writers) w.flush();
    this.#updateFlag();
  }

  /** The last watermark sent downstream, if any (for metrics). */
  get watermark(): number | undefined {
    return this.#watermark;
  }

  /** Sends a barrier down every channel (after flushing what precedes it, partials included). */
  emitBarrier(barrier: Barrier): void {
    for (const c of this.#combiners) c.flush();
    for (const w of this.#writers) w.emitBarrier(barrier);
    this.#updateFlag();
  }

  /** Sends a watermark down every channel (after the records before it, partials included). */
  emitWatermark(timestamp: number): void {
    this.#watermark = timestamp;
    for (const c of this.#combiners) c.flush();
    for (const w of this.#writers) w.emitWatermark(timestamp);
    this.#updateFlag();
  }

  /** Sends a watermark status (idle or active) down every channel. */
  emitWatermarkStatus(idle: boolean): void {
    for (const w of this.#writers) w.emitWatermarkStatus(idle);
    this.#updateFlag();
  }

  /**
   * Sources, unaligned checkpoints: sends `barrier` down every channel ahead of the records held
   * back behind full rings, and returns those records' frames (output channel state, replayed on
   * restore through {@link collect}). Only where a replay cannot duplicate a record: one edge, not
   * broadcast, no pre-aggregation; elsewhere, and for aligned barriers, as {@link emitBarrier}.
   */
  emitBarrierAhead(barrier: Barrier): Uint8Array[] {
    if (!barrier.unaligned || barrier.savepoint || !this.#replayable) {
      this.emitBarrier(barrier);
      return [];
    }
    const held: Uint8Array[] = [];
    for (const w of this.#writers) held.push(...w.emitBarrierAhead(barrier));
    this.#updateFlag();
    return held;
  }

  /** Ends the parks of a wait for space early (a control message arrived). */
  wake(): void {
    for (const w of this.#writers) w.channel.wakeProducer?.();
  }

  /** Sends a cancellation barrier down every channel. */
  emitCancelBarrier(checkpointId: number): void {
    for (const w of this.#writers) w.emitCancelBarrier(checkpointId);
    this.#updateFlag();
  }

  /** Sends end of input down every channel (after the last partials). */
  emitEndOfInput(): void {
    for (const c of this.#combiners) c.flush();
    for (const w of this.#writers) w.emitEndOfInput();
    this.#updateFlag();
  }

  /** Whether some channel holds a backlog (frames waiting for space), even if its edge takes records. */
  get backlogged(): boolean {
    for (const w of this.#writers) if (w.blocked && !w.tryDrain()) return true;
    return false;
  }

  /**
   * Waits until every edge takes records again (a rebalance edge: once one of its channels has
   * room), or `shouldStop` says to give up.
   */
  async waitForSpace(shouldStop: () => boolean): Promise<void> {
    // Timed here, at the wait, never per record: the subtask's back-pressured time (metrics).
    const from = performance.now();
    try {
      for (;;) {
        const route = this.#routes.find((r) => r.edge.blocked());
        if (route === undefined || shouldStop()) break;
        await route.writers.find((w) => w.blocked)?.waitForSpace(shouldStop);
      }
      this.#updateFlag();
    } finally {
      this.backPressuredMs += performance.now() - from;
    }
  }

  /** Waits until every channel has taken its backlog (before idling or ending), or `shouldStop`. */
  async drainAll(shouldStop: () => boolean): Promise<void> {
    const from = performance.now();
    try {
      for (const w of this.#writers) {
        if (w.blocked) await w.waitForSpace(shouldStop);
        if (shouldStop()) return;
      }
      this.#updateFlag();
    } finally {
      this.backPressuredMs += performance.now() - from;
    }
  }

  /** Milliseconds spent in {@link waitForSpace}: waiting for space in full rings (Flink's back-pressured time). */
  backPressuredMs = 0;

  /** Closes every outgoing ring so that no consumer waits on this subtask any longer. */
  closeAll(): void {
    for (const w of this.#writers) w.channel.close();
  }

  #updateFlag(): void {
    this.flag.blocked = this.#routes.some((r) => r.edge.blocked());
  }
}

/** `edge` behind a side-output selector, when the producer has side outputs. */
function selecting(
  edge: Collector<unknown>,
  select: ((record: unknown) => unknown) | undefined,
): Collector<unknown> {
  if (select === undefined) return edge;
  return {
    collect(record) {
      const selected = select(record);
      if (selected !== SKIP_RECORD) edge.collect(selected);
    },
  };
}
