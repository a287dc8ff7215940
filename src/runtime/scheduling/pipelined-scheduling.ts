/**
 * The pipelined strategy (Flink's `PipelinedRegionSchedulingStrategy` with the whole job as one
 * region): every subtask deployed at once, connected by rings, so records flow while sources still
 * read; subtask i of every vertex in thread i with thread sharing (slot-sharing.ts), else each in a
 * thread of its own. Checkpoints cross rings, so a restart redeploys everything.
 */
import { type JobGraph, subtaskCount } from '../../graph/job-graph.ts';
import { planDeployment, ringChannels } from '../deployment.ts';
import type { AttemptContext, AttemptSchedule, SchedulingStrategy } from './scheduling-strategy.ts';
import { type SlotPlacement, slotPlacement } from './slot-sharing.ts';

export class PipelinedScheduling implements SchedulingStrategy {
  readonly placement: SlotPlacement;
  readonly checkpoints = true;
  readonly #graph: JobGraph;
  readonly #ringCapacity: number;

  constructor(graph: JobGraph, ringCapacity: number, threadSharing: boolean) {
    this.#graph = graph;
    this.#ringCapacity = ringCapacity;
    this.placement = slotPlacement(graph, threadSharing, subtaskCount(graph));
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
