/**
 * A batch job run by stages, across its execution attempts (main thread): the job's partition
 * directory, and which vertices have finished. A vertex whose subtasks all finished has written its
 * blocking partitions for good, so a restart runs only the vertices that had not (Flink's region
 * failover for batch jobs): their inputs are the finished vertices' files, read again. File names
 * carry the attempt that wrote them, so a thread of a cancelled attempt that is still writing
 * never touches the files of the next one. A vertex's files are deleted as soon as every vertex
 * that reads them has finished; a consumer that finds a finished producer's file missing or damaged
 * sends that producer (and, if its own inputs are gone, theirs) back to be run again. The directory
 * goes with the job.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidOptionError } from '../../errors.ts';
import type { JobVertex } from '../../graph/job-graph.ts';
import { createProcessDirectory, removeProcessDirectory } from '../../util/ended-process-directories.ts';
import { type BlockingPartitions, partitionFilePrefix } from '../deployment.ts';

export class BatchStages implements BlockingPartitions {
  /** Where this job's blocking partitions are (`<partitionDirectory>/weir-partitions-<pid>-*`). */
  readonly directory: string;
  /** Finished vertices (by id): their per-operator record counts and the attempt that ran them. */
  readonly #finished = new Map<string, { readonly counts: readonly number[]; readonly attempt: number }>();
  /** Producers (by id) whose partitions were deleted (every consumer had finished). */
  readonly #deleted = new Set<string>();
  #attempt = 0;

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

  /** Starts the next attempt; returns its number (1, 2, ...), which its new files carry. */
  beginAttempt(): number {
    return ++this.#attempt;
  }

  /** The attempt whose files of `vertex`'s output are read: the one that finished it, else the current one. */
  attemptOf(vertex: JobVertex): number {
    return this.#finished.get(vertex.id)?.attempt ?? this.#attempt;
  }

  /** Whether every subtask of `vertex` finished, in this attempt or an earlier one. */
  isFinished(vertex: JobVertex): boolean {
    return this.#finished.has(vertex.id);
  }

  /** The per-operator record counts of a finished vertex. */
  countsOf(vertex: JobVertex): readonly number[] | undefined {
    return this.#finished.get(vertex.id)?.counts;
  }

  /**
   * Every subtask of `vertex` finished in the current attempt: it will not run again, and the
   * partitions of its inputs that no unfinished vertex reads any more are deleted (best effort: a
   * file that cannot be deleted goes with the directory at the end).
   */
  markFinished(vertex: JobVertex, counts: readonly number[]): void {
    this.#finished.set(vertex.id, { counts, attempt: this.#attempt });
    for (const { source } of vertex.inputs) {
      if (!source.outputs.every((edge) => this.#finished.has(edge.target.id))) continue;
      this.#deleted.add(source.id);
      const prefixes = source.outputs.map((edge) => partitionFilePrefix(edge));
      try {
        for (const file of readdirSync(this.directory)) {
          if (prefixes.some((prefix) => file.startsWith(prefix)))
            rmSync(join(this.directory, file), { force: true });
        }
      } catch {
        // Disk space only; nothing reads these files again.
      }
    }
  }

  /**
   * `vertex` could not read a partition of a finished producer (missing or damaged file): its
   * producers run again, and theirs too where their inputs were already deleted.
   */
  rerunInputsOf(vertex: JobVertex): void {
    for (const { source } of vertex.inputs) this.#unmark(source);
  }

  /**
   * `vertex` runs again although it finished: it feeds an unfinished vertex through a pipelined
   * exchange, whose ring holds nothing of an earlier attempt.
   */
  runAgain(vertex: JobVertex): void {
    this.#unmark(vertex);
  }

  #unmark(vertex: JobVertex): void {
    if (!this.#finished.delete(vertex.id)) return;
    for (const { source } of vertex.inputs) if (this.#deleted.has(source.id)) this.#unmark(source);
  }

  /** The job ended: every partition goes. */
  dispose(): void {
    removeProcessDirectory(this.directory);
  }
}
