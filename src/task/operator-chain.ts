/**
 * Builds the operators of one subtask's chain, head to tail, each calling the next directly, with
 * a record counter in front of every operator (records in, for metrics and the job result). Keyed
 * operators get a keyed state backend (the one the environment's `stateBackend` option chooses) that
 * owns this subtask's key-group range; {@link disposeKeyedState} frees them (and the embedded
 * backend's working directories) when the subtask ends.
 */

import type { RuntimeMode } from '../config/options.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { StreamNode } from '../graph/stream-node.ts';
import type { Collector } from '../operators/functions.ts';
import type { Operator, OperatorContext, SourceReader } from '../operators/operator.ts';
import type { CollectedBatch } from '../runtime/protocol.ts';
import { keyGroupRangeForOperator } from '../state/key-groups.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';
import { createKeyedStateBackend, type StateBackendOptions } from '../state/state-backend-options.ts';

/** The running chain of one subtask. */
export interface OperatorChain {
  /** Feeds a record to the first (non-source) operator. */
  readonly head: Collector<unknown>;
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
}

export function buildOperatorChain(
  vertex: JobVertex,
  base: ChainContext,
  output: Collector<unknown>,
): OperatorChain {
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
    };
  };

  let next: Collector<unknown> = output;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.role === 'source') continue;
    const operator = node.operator!(contextFor(node), next);
    operators.unshift(operator);
    next = counting(counts, i, operator);
  }
  const first = nodes[0]!;
  let source: SourceReader | undefined;
  let head = next;
  if (first.role === 'source') {
    source = first.source!(contextFor(first));
    const downstream = next;
    head = {
      collect(record) {
        counts[0]!++;
        downstream.collect(record);
      },
    };
  }
  return { head, operators, source, counts, keyedBackends };
}

/** Disposes the chain's keyed state backends (the subtask ended, whichever way). */
export function disposeKeyedState(chain: OperatorChain): void {
  for (const backend of chain.keyedBackends.values()) backend.dispose();
}

function counting(counts: number[], index: number, operator: Operator): Collector<unknown> {
  return {
    collect(record) {
      counts[index]!++;
      operator.process(record);
    },
  };
}
