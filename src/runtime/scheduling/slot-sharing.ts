/**
 * Where a job's subtasks run (Flink's slot sharing): with thread sharing on, subtask i of every
 * vertex runs in thread i, so a job needs as many threads as its widest vertex and each thread
 * holds one subtask of each vertex (a pipeline's slice, whose records mostly stay in the thread
 * when edges are forward); a non-parallel source of a wider job gets a thread of its own. Off,
 * every subtask gets a thread of its own while it runs. See
 * docs/threads.md for what sharing changes and why it is the default.
 */
import type { JobGraph, JobVertex } from '../../graph/job-graph.ts';
import type { SubtaskPlan } from '../deployment.ts';

/** How a strategy places subtasks in its pool's threads. */
export interface SlotPlacement {
  /** Threads of the pool. */
  readonly threads: number;
  /** The thread a subtask runs in, or undefined: any thread that runs nothing (queued until one is free). */
  slotOf(plan: SubtaskPlan): number | undefined;
}

/**
 * A serial source known to produce at most this many records shares slot 0: a thread costs ~0.2 s
 * of CPU and ~17 MiB to start (docs/threads.md), while iterating and sending 10 000 records takes
 * a few milliseconds of slot 0's time.
 */
export const SMALL_SERIAL_SOURCE_RECORDS = 10_000;

/**
 * Serial sources: non-parallel source vertices (`fromIterable`, a generator) of a job whose widest
 * vertex is wider. Each gets a thread of its own beside the shared slots: it is the job's serial
 * stage, and in slot 0 it would take that thread's time from the subtasks sharing it (measured:
 * the iterable word count in streaming mode ran at 0.75× one thread with the source in slot 0,
 * 0.98× with a thread per subtask). A source of a known small collection stays in slot 0.
 */
function serialSources(graph: JobGraph, width: number): Map<JobVertex, number> {
  const own = new Map<JobVertex, number>();
  if (width > 1)
    for (const vertex of graph.vertices)
      if (vertex.inputs.length === 0 && vertex.parallelism === 1 && !small(vertex))
        own.set(vertex, width + own.size);
  return own;
}

function small(source: JobVertex): boolean {
  const records = source.nodes[0]?.knownRecords;
  return records !== undefined && records <= SMALL_SERIAL_SOURCE_RECORDS;
}

/** Threads when subtask i of every vertex shares thread i: the widest vertex's parallelism, plus serial sources. */
export function sharedThreads(graph: JobGraph): number {
  const width = Math.max(1, ...graph.vertices.map((vertex) => vertex.parallelism));
  return width + serialSources(graph, width).size;
}

/** Shared slots (subtask i in thread i) when `sharing`, else `unshared` threads, one subtask each. */
export function slotPlacement(graph: JobGraph, sharing: boolean, unshared: number): SlotPlacement {
  if (!sharing) return { threads: unshared, slotOf: () => undefined };
  const width = Math.max(1, ...graph.vertices.map((vertex) => vertex.parallelism));
  const own = serialSources(graph, width);
  return { threads: width + own.size, slotOf: (plan) => own.get(plan.vertex) ?? plan.subtaskIndex };
}
