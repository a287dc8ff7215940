/**
 * Plans the deployment of a job graph: one subtask per (vertex, index), one doorbell per subtask,
 * and one channel per connected (producer subtask, consumer subtask) pair of every edge. A forward
 * edge connects subtask i to subtask i only. What a channel is comes from the scheduling strategy:
 * pipelined, a ring sized by the environment's ring capacity ({@link ringChannels}); by stages, a
 * blocking partition file that takes the same largest frame as such a ring
 * ({@link partitionChannels}).
 */
import { join } from 'node:path';
import type { ChannelDescriptor } from '../channel/channel-descriptor.ts';
import { FRAME_HEADER_BYTES } from '../channel/layout.ts';
import { createDoorbell, createRing } from '../channel/ring-buffer.ts';
import type { JobEdge, JobGraph, JobVertex } from '../graph/job-graph.ts';
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

/** One connected (producer subtask, consumer subtask) pair of an edge. */
export interface ChannelPair {
  readonly edge: JobEdge;
  readonly producer: number;
  readonly consumer: number;
  /** `<source>[<producer>] -> <target>[<consumer>]`, for messages. */
  readonly name: string;
  /** The consumer subtask's doorbell (rings ring it; files need none). */
  readonly doorbell: SharedArrayBuffer;
}

/** Makes the channel of one pair. */
export type ChannelFactory = (pair: ChannelPair) => ChannelDescriptor;

/** Pipelined exchanges: a ring per pair, ringing its consumer's doorbell. */
export function ringChannels(ringCapacity: number): ChannelFactory {
  return ({ name, doorbell }) => createRing({ capacity: ringCapacity, name, doorbell });
}

/** The start of the names of an edge's partition files (`<prefix>a<attempt>-<producer>-<consumer>`). */
export function partitionFilePrefix(edge: JobEdge): string {
  return `${edge.index}-`;
}

/** Where a batch job run by stages keeps its blocking partitions. */
export interface BlockingPartitions {
  /** The job's partition directory (see scheduling/batch-stages.ts). */
  readonly directory: string;
  /** The attempt whose files of a producer's output are written or read (it is in the file names). */
  attemptOf(producer: JobVertex): number;
}

/** Blocking exchanges: a file per pair, whose frames are at most as large as a ring's. */
export function partitionChannels(partitions: BlockingPartitions, ringCapacity: number): ChannelFactory {
  return ({ edge, producer, consumer, name }) => ({
    name,
    path: join(
      partitions.directory,
      `${partitionFilePrefix(edge)}a${partitions.attemptOf(edge.source)}-${producer}-${consumer}`,
    ),
    maxPayloadBytes: ringCapacity / 2 - FRAME_HEADER_BYTES,
  });
}

export function planDeployment(graph: JobGraph, channelOf: ChannelFactory): SubtaskPlan[] {
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
      const channels = targets.map((consumer) => {
        const channel = channelOf({
          edge,
          producer: producer.subtaskIndex,
          consumer: consumer.subtaskIndex,
          name: `${edge.source.id}[${producer.subtaskIndex}] -> ${edge.target.id}[${consumer.subtaskIndex}]`,
          doorbell: doorbells.get(consumer)!,
        });
        consumer.inputs.push(channel);
        return channel;
      });
      producer.outputs.push({ edgeIndex: edge.index, channels });
    }
  }
  return [...plans.values()].flat();
}
