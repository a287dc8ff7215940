// How a job's workers start: msgpackr's native string extractor, located once by the main thread,
// is installed in every worker, and the worker's environment is left as the user's.
import { describe, expect, it } from 'vitest';
import { executeJob } from '../../../src/index.ts';
import { nativeStringExtractor } from '../../../src/runtime/msgpackr-native.ts';
import type { WorkerEnvReport } from '../jobs/worker-env.job.ts';

const job = new URL('../jobs/worker-env.job.ts', import.meta.url);

describe('worker start-up', () => {
  it('locates the native extractor msgpackr uses in this process', () => {
    const extractor = nativeStringExtractor();
    expect(extractor?.binary).toMatch(/msgpackr-extract.*\.node$/);
    expect(extractor?.unpackModule).toMatch(/^file:\/\/.*\/msgpackr\/unpack\.js$/);
  });

  // Without the bootstrap's setExtractor, msgpackr would run without it (its own lookup is skipped).
  it('gives every worker the native extractor and leaves its environment untouched', async () => {
    const result = await executeJob(job, { environment: { parallelism: 1 } });
    const reports = result.collected<WorkerEnvReport>('report');
    expect(reports).toEqual([{ native: true, disabledFlag: null }]);
  });
});
