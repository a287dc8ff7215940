/** Chooses a job's scheduling strategy, once: the one place that knows both. */
import type { JobGraph } from '../../graph/job-graph.ts';
import { PipelinedScheduling } from './pipelined-scheduling.ts';
import type { SchedulingStrategy } from './scheduling-strategy.ts';
import { StagedScheduling } from './staged-scheduling.ts';

/** How a batch job runs by stages (`batchShuffleMode: 'blocking'`). */
export interface StagedExecution {
  /** Where its blocking partitions go (a directory of the job's own is made in it). */
  readonly partitionDirectory: string;
}

/** Staged when `stages` is given, else pipelined; subtasks share threads when `threadSharing`. */
export function createSchedulingStrategy(
  graph: JobGraph,
  ringCapacity: number,
  stages: StagedExecution | undefined,
  threadSharing: boolean,
): SchedulingStrategy {
  return stages
    ? new StagedScheduling(graph, ringCapacity, stages.partitionDirectory, threadSharing)
    : new PipelinedScheduling(graph, ringCapacity, threadSharing);
}
