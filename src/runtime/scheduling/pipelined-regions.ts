/**
 * Which exchanges of a batch job run by stages stay pipelined (rings between running subtasks)
 * instead of blocking (files between stages), as Flink's pipelined regions: the exchange right
 * after a non-parallel source. Such a source is serial work (an in-job iterable, a generator
 * without splits); through a blocking exchange, the subtasks after it would wait for all of it,
 * one core working and the others idle. Pipelined, they run while it reads, and the source's work
 * overlaps the parallel work after it. A region (the source and the vertices it feeds this way)
 * runs at once, so the job needs a thread per subtask of its largest region.
 */
import type { JobEdge, JobGraph } from '../../graph/job-graph.ts';
import {
  type BlockingPartitions,
  type ChannelFactory,
  partitionChannels,
  ringChannels,
} from '../deployment.ts';

/** Whether `edge` of a batch job run by stages is pipelined (see the module comment). */
export function pipelinedInStages(edge: JobEdge): boolean {
  const source = edge.source;
  return source.parallelism === 1 && source.nodes[0]?.role === 'source' && edge.target.parallelism > 1;
}

/** Threads a batch job run by stages needs: its widest vertex, or its largest pipelined region. */
export function stagedThreads(graph: JobGraph): number {
  let threads = Math.max(...graph.vertices.map((v) => v.parallelism));
  for (const vertex of graph.vertices) {
    const pipelined = vertex.outputs.filter(pipelinedInStages);
    if (pipelined.length === 0) continue;
    const consumers = new Set(pipelined.map((edge) => edge.target));
    threads = Math.max(threads, vertex.parallelism + [...consumers].reduce((n, v) => n + v.parallelism, 0));
  }
  return threads;
}

/** The channels of a batch job run by stages: rings on its pipelined exchanges, files elsewhere. */
export function stagedChannels(partitions: BlockingPartitions, ringCapacity: number): ChannelFactory {
  const files = partitionChannels(partitions, ringCapacity);
  const rings = ringChannels(ringCapacity);
  return (pair) => (pipelinedInStages(pair.edge) ? rings(pair) : files(pair));
}
