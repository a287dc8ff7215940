/**
 * The job trial of the state-backends benchmark: records/s of a keyed job with real workers on each
 * backend (wall time, the workers' start included).
 */
import { executeJob, type StateBackendType } from '../../src/index.ts';
import type { StateBackendsBenchParams } from './params.ts';

/** What the job measured on one backend. */
export interface JobSample {
  readonly backend: StateBackendType;
  readonly records: number;
  readonly wallMs: number;
  readonly recordsPerSecond: number;
}

/** Runs the keyed job on `kind` and times it (wall time, workers' start included). */
export async function runJobTrial(
  kind: StateBackendType,
  params: StateBackendsBenchParams,
): Promise<JobSample> {
  const started = performance.now();
  await executeJob(new URL('./keyed-payload.job.ts', import.meta.url), {
    args: {
      records: params.jobRecords,
      keys: params.jobKeys,
      payloadBytes: params.payloadBytes,
      parallelism: params.jobParallelism,
    },
    environment: {
      stateBackend: kind === 'heap' ? 'heap' : { type: kind, cacheRows: params.cacheRows },
    },
  });
  const wallMs = performance.now() - started;
  return {
    backend: kind,
    records: params.jobRecords,
    wallMs,
    recordsPerSecond: params.jobRecords / (wallMs / 1000),
  };
}
