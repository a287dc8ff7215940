/**
 * Builds the operators of one subtask's chain, head to tail, each calling the next directly, with
 * a record counter in front of every operator (records in, for metrics and the job result). Keyed
 * operators get a keyed state backend (the one the environment's `stateBackend` option chooses) that
 * owns this subtask's key-group range; {@link disposeKeyedState} frees them (and the embedded
 * backend's working directories) when the subtask ends.
 */

import { type RecordTime, TimestampedRecord } from '../channel/timestamped-record.ts';
import type { RuntimeMode } from '../config/options.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { StreamNode } from '../graph/stream-node.ts';
import type { Operator, OperatorContext, SourceReader, StreamOutput } from '../operators/operator.ts';
import { SKIP_RECORD, sideOutputSelector } from '../operators/side-output.ts';
import { ProcessingTimers } from '../operators/time/processing-time-service.ts';
import type { CollectedBatch } from '../runtime/protocol.ts';
import { keyGroupRangeForOperator } from '../state/key-groups.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';
import { createKeyedStateBackend, type StateBackendOptions } from '../state/state-backend-options.ts';
import type { FaultInjector } from './fault-injector.ts';

/** The running chain of one subtask. */
export interface OperatorChain {
  /**
   * Feeds a record to the first (non-source) operator: a record read from a channel with its
   * timestamp still wrapped, or a source's record. Watermarks and statuses enter here too.
   */
  readonly head: StreamOutput;
  /** The timestamp of the record being processed, shared by the chain and its channel writers. */
  readonly recordTime: RecordTime;
  /** The chain's processing-time timers, fired by the task loop. */
  readonly processingTimers: ProcessingTimers;
  /** The operators, in chain order (the source, if any, excluded). */
  readonly operators: readonly Operator[];
  /** The source reader, when the chain starts with a source. */
  readonly source: SourceReader | undefined;
  /** Records received by each node of the chain, source included (which counts what it emitted). */
  readonly counts: number[];
  /** Keyed state backends by operator uid. */
  readonly keyedBackends: ReadonlyMap<string, KeyedStateBackend>;
}

export interface ChainContext {
  readonly subtaskIndex: number;
  readonly maxParallelism: number;
  readonly runtimeMode: RuntimeMode;
  /** See OperatorContext.combinedInput. */
  readonly combinedInput: boolean;
  readonly transactional: boolean;
  /** Which keyed-state backend keyed operators get. */
  readonly stateBackend: StateBackendOptions;
  readonly sendToJobMaster: (batch: CollectedBatch) => void;
  /** The source's shared split cursor (see TaskDeployment.splitCursor). */
  readonly splitCursor: Int32Array | undefined;
  /** The chain's record timestamps (shared with the channel writers); a fresh slot by default. */
  readonly recordTime?: RecordTime;
  /** The chain's processing-time timers; wall-clock ones by default. */
  readonly processingTimers?: ProcessingTimers;
  /** Injected failures (test-only hook): wraps the inputs of the operators they target. */
  readonly faults?: FaultInjector | undefined;
}

export function buildOperatorChain(
  vertex: JobVertex,
  base: ChainContext,
  output: StreamOutput,
): OperatorChain {
  const recordTime = base.recordTime ?? { current: undefined };
  const processingTimers = base.processingTimers ?? new ProcessingTimers();
  const nodes = vertex.nodes;
  const counts = nodes.map(() => 0);
  const operators: Operator[] = [];
  const keyedBackends = new Map<string, KeyedStateBackend>();
  const contextFor = (node: StreamNode): OperatorContext => {
    let keyedState: KeyedStateBackend | undefined;
    if (node.keyed) {
      keyedState = createKeyedStateBackend(base.stateBackend, {
        maxParallelism: base.maxParallelism,
        keyGroupRange: keyGroupRangeForOperator(base.maxParallelism, vertex.parallelism, base.subtaskIndex),
        label: `${node.resolvedUid}-${base.subtaskIndex}`,
      });
      keyedBackends.set(node.resolvedUid, keyedState);
    }
    return {
      operatorName: node.name,
      operatorUid: node.resolvedUid,
      subtaskIndex: base.subtaskIndex,
      parallelism: vertex.parallelism,
      maxParallelism: base.maxParallelism,
      runtimeMode: base.runtimeMode,
      combinedInput: base.combinedInput,
      transactional: base.transactional,
      keyedState,
      sendToJobMaster: base.sendToJobMaster,
      splitCursor: node.role === 'source' ? base.splitCursor : undefined,
      recordTime,
      processingTime: processingTimers,
    };
  };

  let next: StreamOutput = output;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.role === 'source') continue;
    // An operator with side outputs: its chained successor gets only the stream it consumes.
    const successor = nodes[i + 1];
    const downstream = successor ? selecting(node, successor, next) : next;
    const operator = node.operator!(contextFor(node), downstream);
    operators.unshift(operator);
    next = counting(counts, i, operator, downstream);
    if (base.faults) next = base.faults.wrap(node.resolvedUid, next);
  }
  const first = nodes[0]!;
  let source: SourceReader | undefined;
  const downstream = next;
  let head: StreamOutput;
  if (first.role === 'source') {
    source = first.source!(contextFor(first));
    head = {
      collect(record) {
        counts[0]!++;
        recordTime.current = undefined;
        downstream.collect(record);
      },
      emitWatermark: (timestamp) => downstream.emitWatermark(timestamp),
      emitWatermarkStatus: (idle) => downstream.emitWatermarkStatus(idle),
    };
  } else {
    // Records from channels: their timestamp, if any, comes wrapped (timestamped-record.ts).
    head = {
      collect(record) {
        if (record instanceof TimestampedRecord) {
          recordTime.current = record.timestamp;
          downstream.collect(record.value);
        } else {
          recordTime.current = undefined;
          downstream.collect(record);
        }
      },
      emitWatermark: (timestamp) => downstream.emitWatermark(timestamp),
      emitWatermarkStatus: (idle) => downstream.emitWatermarkStatus(idle),
    };
  }
  if (source && base.faults) head = base.faults.wrap(first.resolvedUid, head);
  return { head, operators, source, counts, keyedBackends, recordTime, processingTimers };
}

/** Waits until every keyed backend of `chain` that opens asynchronously (RocksDB) is open. */
export async function openKeyedState(chain: OperatorChain): Promise<void> {
  for (const backend of chain.keyedBackends.values()) await backend.open?.();
}

/** Disposes the chain's keyed state backends (the subtask ended, whichever way). */
export function disposeKeyedState(chain: OperatorChain): void {
  for (const backend of chain.keyedBackends.values()) backend.dispose();
}

/**
 * The input of a chained operator: counts its records, and hands it watermarks and statuses, or
 * forwards them to `downstream` (its own output) when it does not handle them.
 */
function counting(
  counts: number[],
  index: number,
  operator: Operator,
  downstream: StreamOutput,
): StreamOutput {
  return {
    collect(record) {
      counts[index]!++;
      operator.process(record);
    },
    emitWatermark: operator.processWatermark
      ? (timestamp) => operator.processWatermark!(timestamp)
      : (timestamp) => downstream.emitWatermark(timestamp),
    emitWatermarkStatus: operator.processWatermarkStatus
      ? (idle) => operator.processWatermarkStatus!(idle)
      : (idle) => downstream.emitWatermarkStatus(idle),
  };
}

/** What `from` emits into its chained successor `to` (`next`): only the stream `to` consumes. */
function selecting(from: StreamNode, to: StreamNode, next: StreamOutput): StreamOutput {
  const select = sideOutputSelector(from.sideOutputs, to.sideOutputTag);
  if (select === undefined) return next;
  return {
    collect(record) {
      const selected = select(record);
      if (selected !== SKIP_RECORD) next.collect(selected);
    },
    emitWatermark: (timestamp) => next.emitWatermark(timestamp),
    emitWatermarkStatus: (idle) => next.emitWatermarkStatus(idle),
  };
}
