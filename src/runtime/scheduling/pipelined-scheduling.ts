/**
 * The pipelined strategy (Flink's `PipelinedRegionSchedulingStrategy` with the whole job as one
 * region): every subtask deployed at once in a thread of its own, connected by rings, so records
 * flow while sources still read. Checkpoints cross rings, so a restart redeploys everything.
 */
import { type JobGraph, subtaskCount } from '../../graph/job-graph.ts';
import { planDeployment, ringChannels } from '../deployment.ts';
import type { AttemptContext, AttemptSchedule, SchedulingStrategy } from './scheduling-strategy.ts';

export class PipelinedScheduling implements SchedulingStrategy {
  readonly threads: number;
  readonly checkpoints = true;
  readonly #graph: JobGraph;
  readonly #ringCapacity: number;

  constructor(graph: JobGraph, ringCapacity: number) {
    this.#graph = graph;
    this.#ringCapacity = ringCapacity;
    this.threads = subtaskCount(graph);
  }

  open(): void {}

  schedule(attempt: AttemptContext): AttemptSchedule {
    return {
      run: async () => {
        const plans = planDeployment(this.#graph, ringChannels(this.#ringCapacity));
        await Promise.all(plans.map((plan) => attempt.deploy(plan)));
      },
      onCollected: (_vertex, batch) => attempt.deliver(batch),
      onFailed: () => {},
    };
  }

  finishedCounts(): undefined {
    return undefined;
  }

  dispose(): void {}
}
