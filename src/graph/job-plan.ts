/**
 * A job graph as plain data (Flink's job plan, `/jobs/<id>/plan`): every vertex with its
 * parallelism and the operators chained into it, every edge with its exchange kind. Safe to keep,
 * serialise as JSON or send to a browser; the graph itself holds functions (key selectors,
 * operator factories).
 */
import type { JobGraph } from './job-graph.ts';
import type { NodeRole, PartitionerSpec } from './stream-node.ts';

/** How records cross an edge: Flink's ship strategies. */
export type ExchangeKind = PartitionerSpec['kind'];

/** One operator of a chain. */
export interface PlanOperator {
  readonly uid: string;
  readonly name: string;
  /** The operator's kind, e.g. `map` or `keyed-reduce`. */
  readonly kind: string;
  readonly role: NodeRole;
}

/** One vertex: a chain of operators run as `parallelism` subtasks. */
export interface PlanVertex {
  /** The head operator's uid; names the vertex in metrics, checkpoints and the REST API. */
  readonly id: string;
  readonly index: number;
  /** The chained operators' names joined with ` -> `. */
  readonly name: string;
  readonly parallelism: number;
  /** The chain, head first (more than one: operators chained into one subtask). */
  readonly operators: readonly PlanOperator[];
}

/** One edge between two vertices. */
export interface PlanEdge {
  readonly source: string;
  readonly target: string;
  readonly exchange: ExchangeKind;
  /** A hash exchange's key (`keyBy field "word"`, ...). */
  readonly key?: string;
}

/** The physical plan of a job. */
export interface JobPlan {
  readonly vertices: readonly PlanVertex[];
  readonly edges: readonly PlanEdge[];
  readonly maxParallelism: number;
}

/** The plan of `graph`, vertices in graph order (sources first). */
export function describePlan(graph: JobGraph): JobPlan {
  return {
    vertices: graph.vertices.map((vertex) => ({
      id: vertex.id,
      index: vertex.index,
      name: vertex.name,
      parallelism: vertex.parallelism,
      operators: vertex.nodes.map((node) => ({
        uid: node.resolvedUid,
        name: node.name,
        kind: node.kind,
        role: node.role,
      })),
    })),
    edges: graph.edges.map(({ source, target, partitioner }) => ({
      source: source.id,
      target: target.id,
      exchange: partitioner.kind,
      ...(partitioner.kind === 'hash' ? { key: partitioner.description } : {}),
    })),
    maxParallelism: graph.maxParallelism,
  };
}
