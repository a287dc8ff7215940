/**
 * The staged strategy for a batch job over blocking exchanges (Flink's batch scheduling): a
 * vertex's subtasks start once every subtask of the vertices feeding it has finished, reading the
 * files those wrote, in threads of the pool that earlier stages used (a pool as wide as the widest
 * vertex, as Flink's batch scheduler reuses slots; with thread sharing, subtask i of each stage in
 * thread i). The exchange after a non-parallel source stays
 * a ring (pipelined-regions.ts): the source runs with the vertices it feeds. Vertices an earlier attempt finished are not
 * run again ({@link BatchStages}). No checkpoints: none can cross a blocking exchange.
 *
 * Invariant: a vertex's collected records reach the job master only once the whole vertex has
 * finished, so that a vertex run again after a failure delivers them once.
 */

import { toError, WeirError } from '../../errors.ts';
import type { JobGraph, JobVertex } from '../../graph/job-graph.ts';
import { planDeployment, type SubtaskPlan } from '../deployment.ts';
import type { CollectedBatch } from '../protocol.ts';
import { BatchStages } from './batch-stages.ts';
import { pipelinedInStages, stagedChannels, stagedThreads } from './pipelined-regions.ts';
import type { AttemptContext, AttemptSchedule, SchedulingStrategy } from './scheduling-strategy.ts';
import { type SlotPlacement, slotPlacement } from './slot-sharing.ts';

export class StagedScheduling implements SchedulingStrategy {
  readonly placement: SlotPlacement;
  readonly checkpoints = false;
  readonly #graph: JobGraph;
  readonly #ringCapacity: number;
  readonly #partitionDirectory: string;
  #stages: BatchStages | undefined;

  constructor(graph: JobGraph, ringCapacity: number, partitionDirectory: string, threadSharing: boolean) {
    this.#graph = graph;
    this.#ringCapacity = ringCapacity;
    this.#partitionDirectory = partitionDirectory;
    this.placement = slotPlacement(graph, threadSharing, stagedThreads(graph));
  }

  /** Makes the job's partition directory: one weir cannot use fails the job before any thread starts. */
  open(): void {
    this.#stages = new BatchStages(this.#partitionDirectory);
  }

  schedule(attempt: AttemptContext): AttemptSchedule {
    const stages = this.#opened();
    stages.beginAttempt();
    // A ring keeps nothing across attempts: a source feeding an unfinished vertex runs again.
    for (const edge of this.#graph.edges)
      if (pipelinedInStages(edge) && !stages.isFinished(edge.target)) stages.runAgain(edge.source);
    const plans = planDeployment(this.#graph, stagedChannels(stages, this.#ringCapacity));
    /** Collected batches held per vertex until the vertex has finished. */
    const held = new Map<JobVertex, CollectedBatch[]>();
    return {
      run: () => this.#runByStages(attempt, stages, plans, held),
      onCollected: (vertex, batch) => {
        const list = held.get(vertex);
        if (list) list.push(batch);
        else held.set(vertex, [batch]);
      },
      onFailed: (vertex, error) => {
        // A finished producer's partition is missing or damaged: run that producer again.
        if (
          error instanceof WeirError &&
          (error.code === 'ERR_PARTITION_IO' || error.code === 'ERR_CHANNEL_CORRUPT')
        )
          stages.rerunInputsOf(vertex);
      },
    };
  }

  finishedCounts(vertex: JobVertex): readonly number[] | undefined {
    return this.#stages?.countsOf(vertex);
  }

  dispose(): void {
    this.#stages?.dispose();
  }

  /**
   * Deploys each vertex once every vertex feeding it through a blocking exchange has finished and
   * every vertex feeding it through a ring (pipelined-regions.ts) is deployed (vertices are in
   * topological order), skipping those an earlier attempt finished; after a failure or a cancel, no
   * further stage starts. A vertex whose subtasks all finished counts as finished even if another
   * branch failed meanwhile: a restart need not run it again.
   */
  async #runByStages(
    attempt: AttemptContext,
    stages: BatchStages,
    plans: readonly SubtaskPlan[],
    held: Map<JobVertex, CollectedBatch[]>,
  ): Promise<void> {
    const ready = new Map<JobVertex, Promise<boolean>>();
    const finished = new Map<JobVertex, Promise<boolean>>();
    for (const vertex of this.#graph.vertices) {
      const inputs = vertex.inputs.map(
        (edge) => (pipelinedInStages(edge) ? ready : finished).get(edge.source)!,
      );
      const inputsReady = Promise.all(inputs).then((all) => all.every(Boolean));
      ready.set(vertex, inputsReady);
      const stage = async (): Promise<boolean> => {
        if (stages.isFinished(vertex)) return true;
        if (!(await inputsReady) || attempt.stopping) return false;
        try {
          const own = plans.filter((plan) => plan.vertex === vertex);
          await Promise.all(own.map((plan) => attempt.deploy(plan)));
          const batches = held.get(vertex) ?? [];
          held.delete(vertex);
          if (!attempt.allFinished(vertex)) return false;
          for (const batch of batches) attempt.deliver(batch);
          stages.markFinished(vertex, attempt.countsOf(vertex));
          return !attempt.stopping;
        } catch (error) {
          attempt.fail(toError(error));
          return false;
        }
      };
      finished.set(vertex, stage());
    }
    await Promise.all(finished.values());
  }

  #opened(): BatchStages {
    if (!this.#stages) throw new Error('StagedScheduling.schedule() before open()');
    return this.#stages;
  }
}
