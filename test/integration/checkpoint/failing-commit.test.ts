// A commit that fails after its checkpoint completed fails the subtask at once, as in Flink, so an
// unbounded job does not run on with a lost commit (it used to surface only at end of input).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { executeJob } from '../../../src/index.ts';

const job = new URL('../jobs/failing-commit.job.ts', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'weir-failing-commit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it.each([true, false])(
  'an unbounded job fails when a commit fails (thread sharing %s)',
  async (threadSharing) => {
    const error = await executeJob(job, {
      args: { ratePerSecond: 2_000 },
      environment: {
        parallelism: 2,
        threadSharing,
        checkpointing: {
          intervalMs: 50,
          storage: { kind: 'filesystem', dir: join(root, String(threadSharing)) },
        },
        restart: { strategy: 'none' },
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const messages: string[] = [];
    for (let e = error; e instanceof Error; e = e.cause) messages.push(e.message);
    expect(messages.join(' / ')).toMatch(/commit refused by the test sink/);
  },
);
