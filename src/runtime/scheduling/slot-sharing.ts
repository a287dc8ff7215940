/**
 * Where a job's subtasks run (Flink's slot sharing): with thread sharing on, subtask i of every
 * vertex runs in thread i, so a job needs as many threads as its widest vertex and each thread
 * holds one subtask of each vertex (a pipeline's slice, whose records mostly stay in the thread
 * when edges are forward). Off, every subtask gets a thread of its own while it runs. See
 * docs/threads.md for what sharing changes and why it is the default.
 */
import type { JobGraph } from '../../graph/job-graph.ts';
import type { SubtaskPlan } from '../deployment.ts';

/** How a strategy places subtasks in its pool's threads. */
export interface SlotPlacement {
  /** Threads of the pool. */
  readonly threads: number;
  /** The thread a subtask runs in, or undefined: any thread that runs nothing (queued until one is free). */
  slotOf(plan: SubtaskPlan): number | undefined;
}

/** Threads when subtask i of every vertex shares thread i: the widest vertex's parallelism. */
export function sharedThreads(graph: JobGraph): number {
  return Math.max(1, ...graph.vertices.map((vertex) => vertex.parallelism));
}

/** Shared slots (subtask i in thread i) when `sharing`, else `unshared` threads, one subtask each. */
export function slotPlacement(graph: JobGraph, sharing: boolean, unshared: number): SlotPlacement {
  return sharing
    ? { threads: sharedThreads(graph), slotOf: (plan) => plan.subtaskIndex }
    : { threads: unshared, slotOf: () => undefined };
}
