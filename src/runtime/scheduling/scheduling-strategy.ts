/**
 * How a job's subtasks are deployed (Flink's `SchedulingStrategy`), chosen once per job by
 * `createSchedulingStrategy`: pipelined (every subtask at once, connected by rings) or by stages (a
 * batch job over blocking partitions, vertex by vertex). The job master and the execution attempt
 * ask the strategy instead of checking the mode; neither knows which one it runs.
 *
 * Invariants: a strategy lives as long as its job and outlives attempts; each attempt gets a fresh
 * {@link AttemptSchedule}; nothing of the job's is on disk before {@link SchedulingStrategy.open}
 * and after {@link SchedulingStrategy.dispose}. Thread: the main thread.
 */

import type { JobVertex } from '../../graph/job-graph.ts';
import type { SubtaskPlan } from '../deployment.ts';
import type { CollectedBatch } from '../protocol.ts';
import type { SlotPlacement } from './slot-sharing.ts';

/** What one execution attempt lets its schedule do. */
export interface AttemptContext {
  /** Deploys one subtask; resolves when it has ended (however it ended). */
  deploy(plan: SubtaskPlan): Promise<void>;
  /** Whether every subtask of `vertex` deployed by this attempt has finished. */
  allFinished(vertex: JobVertex): boolean;
  /** Per-operator record counts of `vertex`'s subtasks in this attempt. */
  countsOf(vertex: JobVertex): number[];
  /** The attempt failed or was cancelled: deploy nothing more. */
  readonly stopping: boolean;
  /** Fails the attempt (cancels every subtask). */
  fail(error: Error): void;
  /** Hands collected records to the job master. */
  deliver(batch: CollectedBatch): void;
}

/** One attempt's deployment under a strategy. */
export interface AttemptSchedule {
  /** Deploys the attempt's subtasks; resolves once every deployed one has ended. */
  run(): Promise<void>;
  /** A subtask of `vertex` sent collected records. */
  onCollected(vertex: JobVertex, batch: CollectedBatch): void;
  /** A subtask of `vertex` failed with `error` (already reported to the attempt). */
  onFailed(vertex: JobVertex, error: Error): void;
}

export interface SchedulingStrategy {
  /** Threads the job's pool holds, and which subtask runs in which (slot-sharing.ts). */
  readonly placement: SlotPlacement;
  /** Whether checkpoints can be taken (none cross a blocking exchange). */
  readonly checkpoints: boolean;
  /** Prepares what the job needs before any thread starts; throws if it cannot. */
  open(): void;
  /** Starts planning one attempt. */
  schedule(attempt: AttemptContext): AttemptSchedule;
  /** Counts of a vertex an earlier attempt finished for good (not run again), else undefined. */
  finishedCounts(vertex: JobVertex): readonly number[] | undefined;
  /** The job ended: releases what {@link open} made. */
  dispose(): void;
}
