/**
 * Plans the deployment of a job graph: one subtask per (vertex, index), one doorbell per subtask,
 * and one ring per connected (producer subtask, consumer subtask) pair of every edge, sized by the
 * environment's ring capacity. A forward edge connects subtask i to subtask i only.
 */
import { createDoorbell, createRing, type RingDescriptor } from '../channel/ring-buffer.ts';
import type { JobGraph, JobVertex } from '../graph/job-graph.ts';
import type { OutputEdgeDeployment } from './protocol.ts';

/** The channels of one subtask. */
export interface SubtaskPlan {
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  /** The source vertex's split cursor, shared by its subtasks (see TaskDeployment). */
  readonly splitCursor: SharedArrayBuffer | undefined;
  readonly inputs: RingDescriptor[];
  readonly outputs: OutputEdgeDeployment[];
}

export function planDeployment(graph: JobGraph, ringCapacity: number): SubtaskPlan[] {
  const plans = new Map<JobVertex, SubtaskPlan[]>();
  const doorbells = new Map<SubtaskPlan, SharedArrayBuffer>();
  for (const vertex of graph.vertices) {
    const list: SubtaskPlan[] = [];
    const splitCursor = vertex.nodes[0]?.role === 'source' ? new SharedArrayBuffer(4) : undefined;
    for (let i = 0; i < vertex.parallelism; i++) {
      const plan: SubtaskPlan = { vertex, subtaskIndex: i, splitCursor, inputs: [], outputs: [] };
      list.push(plan);
      doorbells.set(plan, createDoorbell());
    }
    plans.set(vertex, list);
  }
  for (const edge of graph.edges) {
    const producers = plans.get(edge.source)!;
    const consumers = plans.get(edge.target)!;
    for (const producer of producers) {
      const targets = edge.partitioner.kind === 'forward' ? [consumers[producer.subtaskIndex]!] : consumers;
      const rings = targets.map((consumer) => {
        const ring = createRing({
          capacity: ringCapacity,
          name: `${edge.source.id}[${producer.subtaskIndex}] -> ${edge.target.id}[${consumer.subtaskIndex}]`,
          doorbell: doorbells.get(consumer)!,
        });
        consumer.inputs.push(ring);
        return ring;
      });
      producer.outputs.push({ edgeIndex: edge.index, rings });
    }
  }
  return [...plans.values()].flat();
}
