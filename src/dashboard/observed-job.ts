/**
 * What a dashboard reads from a running job: the part of `JobClient` it needs, declared here so
 * that the dashboard depends on the runtime's plain data only, never on the API layer that starts
 * it (`JobClient` satisfies this interface as it is).
 */
import type { CheckpointStatsSnapshot } from '../checkpoint/stats.ts';
import type { CompletedCheckpoint } from '../checkpoint/storage/checkpoint-storage.ts';
import type { JobConfiguration } from '../config/job-configuration.ts';
import type { JobPlan } from '../graph/job-plan.ts';
import type { JobStatus } from '../job/job-status.ts';
import type { JobFailure, JobRecovery } from '../runtime/job-events.ts';
import type { JobProgress, SubtaskMetrics } from '../runtime/job-progress.ts';

/** The job events a dashboard listens to (the same signatures as `JobListeners`). */
export interface ObservedJobEvents {
  status: (from: JobStatus, to: JobStatus, cause: Error | undefined) => void;
  checkpoint: (checkpoint: CompletedCheckpoint) => void;
  restored: (checkpoint: CompletedCheckpoint | undefined, attempt: number) => void;
  recovered: (recovery: JobRecovery) => void;
  failure: (failure: JobFailure) => void;
}

/** A running (or ended) job as a dashboard sees it. */
export interface ObservedJob {
  readonly jobId: string;
  readonly jobName: string;
  readonly status: JobStatus;
  /** Settles when the job ended. */
  readonly result: Promise<unknown>;
  progress(): JobProgress;
  checkpointStats(): CheckpointStatsSnapshot;
  plan(): JobPlan;
  configuration(): JobConfiguration;
  subtaskMetrics(): readonly SubtaskMetrics[];
  on<E extends keyof ObservedJobEvents>(event: E, listener: ObservedJobEvents[E]): () => void;
}
