/**
 * A running job's progress as the job master reports it (main thread): per-operator record
 * counters summed over subtasks, and the current attempt's subtasks by state. Plain data, for
 * progress displays (`weir run`) and tests.
 */
import type { JobGraph } from '../graph/job-graph.ts';
import type { JobStatus } from '../job/job-status.ts';
import type { SubtaskCounters } from './protocol.ts';
import type { ExecutionState, SubtaskStates } from './subtask-execution-state.ts';

/** Counters of one operator over all its subtasks. */
export interface OperatorMetrics {
  readonly name: string;
  readonly uid: string;
  readonly parallelism: number;
  /** Records the operator received in the current attempt (for a source: records it emitted). */
  readonly records: number;
}

/** Progress of a running job. */
export interface JobProgress {
  readonly elapsedMs: number;
  /** 1 for the first deployment, +1 per restart. */
  readonly attempt: number;
  readonly status: JobStatus;
  readonly operators: readonly OperatorMetrics[];
  /** The current attempt's subtasks by state (all zero between attempts). */
  readonly subtasks: SubtaskStates;
}

/**
 * Every operator of `graph` in graph order with its count from `counts` ([vertex index][chain
 * position], summed over subtasks), 0 where there is none (between attempts).
 */
export function operatorMetrics(graph: JobGraph, counts: readonly number[][] | undefined): OperatorMetrics[] {
  return graph.vertices.flatMap((vertex) =>
    vertex.nodes.map((node, i) => ({
      name: node.name,
      uid: node.resolvedUid,
      parallelism: vertex.parallelism,
      records: counts?.[vertex.index]?.[i] ?? 0,
    })),
  );
}

/** One subtask of the current attempt with its latest counters (for metrics and dashboards). */
export interface SubtaskMetrics {
  /** The vertex's id (its head operator's uid). */
  readonly vertexId: string;
  readonly subtask: number;
  readonly state: ExecutionState;
  /** As last reported by the subtask (about four times a second, and at its end). */
  readonly counters: SubtaskCounters;
}
