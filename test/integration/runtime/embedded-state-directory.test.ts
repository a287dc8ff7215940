// With the embedded state backend every keyed subtask works in its own directory under the
// configured one while the job runs, and none is left once the job ended.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { JobCancelledError, startJob } from '../../../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-embedded-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('keyed subtasks work in their own directories, removed when the job ends', async () => {
  const directory = join(root, 'state');
  const client = await startJob(new URL('../jobs/keyed-count.job.ts', import.meta.url), {
    args: { ratePerSecond: 2000 },
    environment: {
      parallelism: 2,
      stateBackend: { type: 'embedded', directory },
      checkpointing: { storage: { kind: 'filesystem', dir: join(root, 'chk') } },
    },
  });
  // A completed checkpoint: every subtask runs, and the counters hold state.
  expect((await client.triggerCheckpoint()).status).toBe('completed');
  expect(readdirSync(directory).sort()).toEqual([
    expect.stringMatching(new RegExp(`^weir-${process.pid}-counter-0-`)),
    expect.stringMatching(new RegExp(`^weir-${process.pid}-counter-1-`)),
  ]);
  await client.cancel();
  await expect(client.result).rejects.toBeInstanceOf(JobCancelledError);
  expect(readdirSync(directory)).toEqual([]);
});
