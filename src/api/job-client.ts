/**
 * The handle on a running job: its result, progress events, and cancellation. `execute()` is
 * `executeAsync()` followed by `client.result`.
 */
import type { JobGraph } from '../graph/job-graph.ts';
import {
  JobCancelledError,
  JobMaster,
  type JobProgress,
  type OperatorMetrics,
} from '../runtime/job-master.ts';
import type { JobModuleRef } from '../runtime/protocol.ts';
import type { StreamEnvironment } from './stream-environment.ts';

/** What a finished job reports. */
export interface JobResult {
  readonly jobName: string;
  /** Wall-clock duration from deployment to the last subtask's end (ms). */
  readonly durationMs: number;
  /** Per-operator record counts (records each operator received; sources: records emitted). */
  readonly operators: readonly OperatorMetrics[];
  /** Uids of the job's collect sinks. */
  readonly collections: readonly string[];
  /** Records of the collect sink with this uid (see `DataStream.collect`). */
  collected<T = unknown>(uid: string): T[];
}

/** A listener for progress reports (about four a second). */
export type ProgressListener = (progress: JobProgress) => void;

export class JobClient {
  /** The job's name. */
  readonly jobName: string;
  /** Uids of the job's source operators (their counts are the records read). */
  readonly sourceUids: readonly string[];
  /** Settles when the job has ended and every worker thread is gone. */
  readonly result: Promise<JobResult>;
  readonly #master: JobMaster;
  readonly #listeners = new Set<ProgressListener>();

  private constructor(
    name: string,
    sourceUids: readonly string[],
    master: JobMaster,
    result: (client: JobClient) => Promise<JobResult>,
  ) {
    this.jobName = name;
    this.sourceUids = sourceUids;
    this.#master = master;
    this.result = result(this);
    // The caller may only look at `result` later; never report an unhandled rejection for it.
    this.result.catch(() => {});
  }

  /** @internal */
  static start(init: {
    name: string;
    graph: JobGraph;
    job: JobModuleRef;
    environment: StreamEnvironment;
  }): JobClient {
    const byUid = new Map<string, unknown[]>();
    for (const [node, records] of init.environment.builder.collected) byUid.set(node.resolvedUid, records);
    let client: JobClient | undefined;
    const master = new JobMaster({
      name: init.name,
      graph: init.graph,
      job: init.job,
      ringCapacity: init.environment.options.ringCapacity,
      collect: (uid, records) => {
        const target = byUid.get(uid);
        if (target) for (const r of records) target.push(r);
      },
      onProgress: (progress) => {
        if (client) client.#emit(progress);
      },
    });
    const sourceUids = init.graph.vertices.flatMap((v) =>
      v.nodes.filter((n) => n.role === 'source').map((n) => n.resolvedUid),
    );
    client = new JobClient(init.name, sourceUids, master, async (self) => {
      const outcome = await master.run();
      self.#emit(outcome.progress);
      if (outcome.status === 'failed') throw outcome.error;
      if (outcome.status === 'cancelled') throw new JobCancelledError(init.name);
      return {
        jobName: init.name,
        durationMs: outcome.progress.elapsedMs,
        operators: outcome.progress.operators,
        collections: [...byUid.keys()],
        collected: <T>(uid: string): T[] => {
          const records = byUid.get(uid);
          if (!records) throw new RangeError(`no collect sink with uid "${uid}" in job "${init.name}"`);
          return records as T[];
        },
      };
    });
    return client;
  }

  /** Current per-operator counts. */
  progress(): JobProgress {
    return this.#master.progress();
  }

  /** Calls `listener` with progress reports until the job ends; returns a function that stops it. */
  onProgress(listener: ProgressListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Cancels the job and waits until every thread is gone. The result then rejects with a
   * JobCancelledError (code ERR_JOB_CANCELLED).
   */
  async cancel(): Promise<void> {
    this.#master.cancel();
    await this.result.catch(() => {});
  }

  #emit(progress: JobProgress): void {
    for (const listener of this.#listeners) listener(progress);
  }
}
