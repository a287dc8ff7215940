/**
 * Plans the deployment of a job graph: one subtask per (vertex, index), one doorbell per subtask,
 * and one channel per connected (producer subtask, consumer subtask) pair of every edge. A forward
 * edge connects subtask i to subtask i only. Pipelined, a channel is a ring sized by the
 * environment's ring capacity; a batch job run by stages gets blocking partitions instead, files
 * in `partitions.directory` that take the same largest frame as such a ring, except on the
 * exchanges that stay pipelined (pipelined-regions.ts).
 */
import { join } from 'node:path';
import type { ChannelDescriptor } from '../channel/channel-descriptor.ts';
import { FRAME_HEADER_BYTES } from '../channel/layout.ts';
import { createDoorbell, createRing } from '../channel/ring-buffer.ts';
import type { JobEdge, JobGraph, JobVertex } from '../graph/job-graph.ts';
import { pipelinedInStages } from './pipelined-regions.ts';
import type { OutputEdgeDeployment } from './protocol.ts';

/** The channels of one subtask. */
export interface SubtaskPlan {
  readonly vertex: JobVertex;
  readonly subtaskIndex: number;
  /** The source vertex's split cursor, shared by its subtasks (see TaskDeployment). */
  readonly splitCursor: SharedArrayBuffer | undefined;
  readonly inputs: ChannelDescriptor[];
  readonly outputs: OutputEdgeDeployment[];
}

/** The start of the names of an edge's partition files (`<prefix>a<attempt>-<producer>-<consumer>`). */
export function partitionFilePrefix(edge: JobEdge): string {
  return `${edge.index}-`;
}

/** Where a batch job run by stages keeps its blocking partitions. */
export interface BlockingPartitions {
  /** The job's partition directory (see batch-stages.ts). */
  readonly directory: string;
  /** The attempt whose files of a producer's output are written or read (it is in the file names). */
  attemptOf(producer: JobVertex): number;
}

export function planDeployment(
  graph: JobGraph,
  ringCapacity: number,
  partitions?: BlockingPartitions,
): SubtaskPlan[] {
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
    const files = partitions && !pipelinedInStages(edge) ? partitions : undefined;
    for (const producer of producers) {
      const targets = edge.partitioner.kind === 'forward' ? [consumers[producer.subtaskIndex]!] : consumers;
      const channels = targets.map((consumer) => {
        const name = `${edge.source.id}[${producer.subtaskIndex}] -> ${edge.target.id}[${consumer.subtaskIndex}]`;
        const channel: ChannelDescriptor = files
          ? {
              name,
              path: join(
                files.directory,
                `${partitionFilePrefix(edge)}a${files.attemptOf(edge.source)}-${producer.subtaskIndex}-${consumer.subtaskIndex}`,
              ),
              maxPayloadBytes: ringCapacity / 2 - FRAME_HEADER_BYTES,
            }
          : createRing({ capacity: ringCapacity, name, doorbell: doorbells.get(consumer)! });
        consumer.inputs.push(channel);
        return channel;
      });
      producer.outputs.push({ edgeIndex: edge.index, channels });
    }
  }
  return [...plans.values()].flat();
}
