/**
 * From the logical graph of {@link StreamNode}s to the physical {@link JobGraph}: parallelism and
 * partitioners resolved, operators chained into vertices, every rule checked before any worker
 * starts. Operators joined by a forward edge with equal parallelism, where the upstream has no
 * other consumer, form one chain: one subtask, direct calls, no serialisation between them.
 */

import type { RuntimeMode } from '../config/options.ts';
import { InvalidJobGraphError } from './invalid-job-graph-error.ts';
import type { PartitionerSpec, StreamNode } from './stream-node.ts';

/** An edge between two vertices. */
export interface JobEdge {
  readonly index: number;
  readonly source: JobVertex;
  readonly target: JobVertex;
  readonly partitioner: PartitionerSpec;
}

/** A chain of operators run as `parallelism` subtasks. */
export interface JobVertex {
  /** The head operator's uid: stable, names the vertex in deployment and in checkpoints. */
  readonly id: string;
  readonly index: number;
  readonly nodes: readonly StreamNode[];
  readonly parallelism: number;
  readonly inputs: JobEdge[];
  readonly outputs: JobEdge[];
  /** Names of the chained operators joined with ` -> `. */
  readonly name: string;
}

/** The physical graph of a job. */
export interface JobGraph {
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
  readonly maxParallelism: number;
  /** Parallelism of every operator, by uid. */
  readonly parallelismByUid: ReadonlyMap<string, number>;
}

/** Options that shape the physical graph. */
export interface JobGraphOptions {
  readonly defaultParallelism: number;
  readonly maxParallelism: number;
  readonly chaining: boolean;
  /** Batch mode refuses unbounded sources; default streaming. */
  readonly runtimeMode?: RuntimeMode;
}

/** How many subtasks (and so worker threads) the graph deploys: the sum of its vertices' parallelism. */
export function subtaskCount(graph: JobGraph): number {
  return graph.vertices.reduce((n, v) => n + v.parallelism, 0);
}

export function buildJobGraph(allNodes: readonly StreamNode[], options: JobGraphOptions): JobGraph {
  const nodes = reachableFromSinks(allNodes);
  checkUids(nodes);
  if (options.runtimeMode === 'batch') checkBounded(nodes);
  const parallelism = new Map<StreamNode, number>();
  for (const node of topologicalOrder(nodes)) parallelism.set(node, resolveParallelism(node, options));

  const consumers = new Map<StreamNode, StreamNode[]>();
  for (const node of nodes) for (const input of node.inputs) pushTo(consumers, input.node, node);

  const resolved = new Map<StreamNode, PartitionerSpec[]>();
  for (const node of nodes) {
    resolved.set(
      node,
      node.inputs.map((input) => resolvePartitioner(node, input.node, input.partitioner, parallelism)),
    );
  }

  const chainedToPredecessor = (node: StreamNode): boolean => {
    if (!options.chaining || !node.chainable || node.inputs.length !== 1) return false;
    const upstream = node.inputs[0]!.node;
    return (
      resolved.get(node)![0]!.kind === 'forward' &&
      parallelism.get(upstream) === parallelism.get(node) &&
      consumers.get(upstream)?.length === 1 &&
      upstream.role !== 'sink'
    );
  };

  const vertices: JobVertex[] = [];
  const vertexOf = new Map<StreamNode, JobVertex>();
  for (const node of topologicalOrder(nodes)) {
    if (chainedToPredecessor(node)) {
      const vertex = vertexOf.get(node.inputs[0]!.node)!;
      (vertex.nodes as StreamNode[]).push(node);
      vertexOf.set(node, vertex);
      continue;
    }
    const vertex: JobVertex = {
      id: node.resolvedUid,
      index: vertices.length,
      nodes: [node],
      parallelism: parallelism.get(node)!,
      inputs: [],
      outputs: [],
      get name() {
        return this.nodes.map((n) => n.name).join(' -> ');
      },
    };
    vertices.push(vertex);
    vertexOf.set(node, vertex);
  }

  const edges: JobEdge[] = [];
  for (const node of nodes) {
    const target = vertexOf.get(node)!;
    if (target.nodes[0] !== node) continue;
    node.inputs.forEach((input, i) => {
      const source = vertexOf.get(input.node)!;
      const edge: JobEdge = { index: edges.length, source, target, partitioner: resolved.get(node)![i]! };
      edges.push(edge);
      source.outputs.push(edge);
      target.inputs.push(edge);
    });
  }
  const parallelismByUid = new Map([...parallelism].map(([node, p]) => [node.resolvedUid, p]));
  return { vertices, edges, maxParallelism: options.maxParallelism, parallelismByUid };
}

function reachableFromSinks(all: readonly StreamNode[]): StreamNode[] {
  const sinks = all.filter((n) => n.role === 'sink');
  if (!all.some((n) => n.role === 'source')) {
    throw new InvalidJobGraphError(
      'the job has no source: add one with env.fromArray, env.fromSequence, ...',
    );
  }
  if (sinks.length === 0) {
    throw new InvalidJobGraphError(
      'the job has no sink: end each pipeline with collect(), print(), writeAsText() or sinkTo()',
    );
  }
  const keep = new Set<StreamNode>();
  const stack = [...sinks];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (keep.has(node)) continue;
    keep.add(node);
    for (const input of node.inputs) {
      if (input.node.role === 'sink') {
        throw new InvalidJobGraphError(
          `sink "${input.node.name}" cannot feed operator "${node.name}": a sink ends a pipeline`,
        );
      }
      stack.push(input.node);
    }
  }
  return all.filter((n) => keep.has(n));
}

function checkUids(nodes: readonly StreamNode[]): void {
  const seen = new Map<string, StreamNode>();
  for (const node of nodes) {
    const uid = node.resolvedUid;
    const other = seen.get(uid);
    if (other) {
      throw new InvalidJobGraphError(
        `operators "${other.name}" and "${node.name}" share the uid "${uid}"; uids must be unique`,
      );
    }
    seen.set(uid, node);
  }
}

/** Batch mode needs input that ends (Flink refuses unbounded sources in BATCH mode too). */
function checkBounded(nodes: readonly StreamNode[]): void {
  const unbounded = nodes.find((node) => node.role === 'source' && !node.bounded);
  if (unbounded) {
    throw new InvalidJobGraphError(
      `source "${unbounded.name}" (uid "${unbounded.resolvedUid}") never ends, but runtimeMode "batch" needs ` +
        'bounded input: give it an end (count, to) or run in streaming mode',
    );
  }
}

/** Kahn's algorithm; a cycle is an error naming an operator on it. */
export function topologicalOrder(nodes: readonly StreamNode[]): StreamNode[] {
  const indegree = new Map<StreamNode, number>(nodes.map((n) => [n, n.inputs.length]));
  const consumers = new Map<StreamNode, StreamNode[]>();
  for (const node of nodes) for (const input of node.inputs) pushTo(consumers, input.node, node);
  const ready = nodes.filter((n) => n.inputs.length === 0);
  const order: StreamNode[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const next of consumers.get(node) ?? []) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.find((n) => !order.includes(n))!;
    throw new InvalidJobGraphError(
      `the job graph has a cycle through operator "${stuck.name}" (uid ${stuck.resolvedUid})`,
    );
  }
  return order;
}

function resolveParallelism(node: StreamNode, options: JobGraphOptions): number {
  const p = node.parallelism ?? Math.min(options.defaultParallelism, node.maxOwnParallelism);
  if (p > node.maxOwnParallelism) {
    throw new InvalidJobGraphError(
      `operator "${node.name}" cannot run with parallelism ${p}: at most ${node.maxOwnParallelism}`,
    );
  }
  if (node.keyed && p > options.maxParallelism) {
    throw new InvalidJobGraphError(
      `keyed operator "${node.name}" has parallelism ${p}, above the max parallelism ${options.maxParallelism} (key groups)`,
    );
  }
  return p;
}

function resolvePartitioner(
  node: StreamNode,
  upstream: StreamNode,
  given: PartitionerSpec | null,
  parallelism: ReadonlyMap<StreamNode, number>,
): PartitionerSpec {
  const same = parallelism.get(upstream) === parallelism.get(node);
  if (given === null) return same ? { kind: 'forward' } : { kind: 'rebalance' };
  if (given.kind === 'forward' && !same) {
    throw new InvalidJobGraphError(
      `forward edge from "${upstream.name}" (parallelism ${parallelism.get(upstream)}) to "${node.name}" ` +
        `(parallelism ${parallelism.get(node)}) needs equal parallelism; use rebalance() instead`,
    );
  }
  return given;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
