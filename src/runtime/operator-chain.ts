/**
 * Builds the operators of one subtask's chain, head to tail, each calling the next directly, with
 * a record counter in front of every operator (records in, for metrics and the job result).
 */
import type { Collector } from '../api/functions.ts';
import type { RuntimeMode } from '../api/options.ts';
import type { JobVertex } from '../graph/job-graph.ts';
import type { Operator, OperatorContext, SourceReader } from './operators/operator.ts';

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
}

export interface ChainContext {
  readonly subtaskIndex: number;
  readonly maxParallelism: number;
  readonly runtimeMode: RuntimeMode;
  readonly sendToJobMaster: (payload: unknown) => void;
}

export function buildOperatorChain(
  vertex: JobVertex,
  base: ChainContext,
  output: Collector<unknown>,
): OperatorChain {
  const nodes = vertex.nodes;
  const counts = nodes.map(() => 0);
  const operators: Operator[] = [];
  let next: Collector<unknown> = output;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.role === 'source') continue;
    const context: OperatorContext = {
      operatorName: node.name,
      operatorUid: node.resolvedUid,
      subtaskIndex: base.subtaskIndex,
      parallelism: vertex.parallelism,
      maxParallelism: base.maxParallelism,
      runtimeMode: base.runtimeMode,
      sendToJobMaster: base.sendToJobMaster,
    };
    const operator = node.operator!(context, next);
    operators.unshift(operator);
    next = counting(counts, i, operator);
  }
  const first = nodes[0]!;
  let source: SourceReader | undefined;
  let head = next;
  if (first.role === 'source') {
    source = first.source!({
      operatorName: first.name,
      operatorUid: first.resolvedUid,
      subtaskIndex: base.subtaskIndex,
      parallelism: vertex.parallelism,
      maxParallelism: base.maxParallelism,
      runtimeMode: base.runtimeMode,
      sendToJobMaster: base.sendToJobMaster,
    });
    const downstream = next;
    head = {
      collect(record) {
        counts[0]!++;
        downstream.collect(record);
      },
    };
  }
  return { head, operators, source, counts };
}

function counting(counts: number[], index: number, operator: Operator): Collector<unknown> {
  return {
    collect(record) {
      counts[index]!++;
      operator.process(record);
    },
  };
}
