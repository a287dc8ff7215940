/**
 * A batch job run by stages, across its execution attempts (main thread): the job's partition
 * directory, and which vertices have finished. A vertex whose subtasks all finished has written its
 * blocking partitions for good, so a restart runs only the vertices that had not (Flink's region
 * failover for batch jobs): their inputs are the finished vertices' files, read again. A vertex's
 * files are deleted as soon as every vertex that reads them has finished; the directory goes with
 * the job.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOptionError } from '../errors.ts';
import type { JobGraph, JobVertex } from '../graph/job-graph.ts';
import { createProcessDirectory, removeProcessDirectory } from '../util/ended-process-directories.ts';
import { partitionFilePrefix } from './deployment.ts';

export class BatchStages {
  /** Where this job's blocking partitions are (`<partitionDirectory>/weir-partitions-<pid>-*`). */
  readonly directory: string;
  /** Finished vertices (by id) and their per-operator record counts. */
  readonly #finished = new Map<string, readonly number[]>();

  /** Makes the job's directory in `partitionDirectory`; throws `InvalidOptionError` naming it if it cannot. */
  constructor(partitionDirectory: string) {
    try {
      this.directory = createProcessDirectory(partitionDirectory, 'weir-partitions-');
    } catch (error) {
      throw new InvalidOptionError(
        'partitionDirectory',
        `a directory where weir can create files (${(error as Error).message})`,
        partitionDirectory,
      );
    }
  }

  /** Whether every subtask of `vertex` finished, in this attempt or an earlier one. */
  isFinished(vertex: JobVertex): boolean {
    return this.#finished.has(vertex.id);
  }

  /** The per-operator record counts of a finished vertex. */
  countsOf(vertex: JobVertex): readonly number[] | undefined {
    return this.#finished.get(vertex.id);
  }

  /** Subtasks of the vertices that have finished. */
  finishedSubtasks(graph: JobGraph): number {
    return graph.vertices.reduce((n, v) => n + (this.#finished.has(v.id) ? v.parallelism : 0), 0);
  }

  /**
   * Every subtask of `vertex` finished: it will not run again, and the partitions of its inputs
   * that no unfinished vertex reads any more are deleted.
   */
  markFinished(vertex: JobVertex, counts: readonly number[]): void {
    this.#finished.set(vertex.id, counts);
    for (const { source } of vertex.inputs) {
      if (!source.outputs.every((edge) => this.#finished.has(edge.target.id))) continue;
      const prefixes = source.outputs.map((edge) => partitionFilePrefix(edge));
      for (const file of readdirSync(this.directory)) {
        if (prefixes.some((prefix) => file.startsWith(prefix)))
          rmSync(join(this.directory, file), { force: true });
      }
    }
  }

  /** The job ended: every partition goes. */
  dispose(): void {
    removeProcessDirectory(this.directory);
  }
}
