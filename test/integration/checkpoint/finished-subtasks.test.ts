// Checkpoints after subtasks finished (Flink's FLIP-147): a subtask whose input ended stays until
// the whole job's has, and answers checkpoint triggers with its final state. So a savepoint taken
// while the bounded part of a job is done and the rest still runs completes, with periodic
// checkpoints off too, and holds what the finished part contributed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobCancelledError, type JobClient, loadCheckpoint, startJob } from '../../../src/index.ts';
import { keyedValues } from '../../support/checkpoints.ts';
import { COUNT, type PartlyFinishedArgs } from '../jobs/partly-finished.job.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-finished-subtasks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const job = new URL('../jobs/partly-finished.job.ts', import.meta.url);

/**
 * Resolves once the bounded source's two subtasks have come to the end of their input and every
 * other subtask runs (on a loaded machine, a thread may start after the bounded part ended).
 */
function boundedPartFinished(client: JobClient): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      const { finished, running, total } = client.progress().subtasks;
      if (finished >= 2 && finished + running === total) {
        stop();
        resolve();
      }
    };
    const stop = client.onProgress(check);
    check();
  });
}

describe('checkpoints after subtasks finished', () => {
  it.each([
    ['periodic checkpoints off', undefined],
    ['periodic checkpoints on', 60_000],
  ])('completes a savepoint while part of the job has finished (%s)', async (_label, intervalMs) => {
    const args: PartlyFinishedArgs = { bounded: ['a', 'b', 'a', 'c', 'a'], ratePerSecond: 200 };
    const dir = join(root, String(intervalMs ?? 'off'));
    const client = await startJob(job, {
      args,
      environment: {
        parallelism: 2,
        checkpointing: { ...(intervalMs ? { intervalMs } : {}), storage: { kind: 'filesystem', dir } },
      },
    });
    await boundedPartFinished(client);
    const { subtasks } = client.progress();
    // bounded ×2, live ×1, counter ×2; only the bounded source's subtasks have finished.
    expect(subtasks).toEqual({ total: 5, running: 3, finished: 2 });

    const outcome = await client.triggerSavepoint(join(root, `sp-${intervalMs ?? 'off'}`));
    expect(outcome.status).toBe('completed');
    if (outcome.status !== 'completed') return;
    // The job still runs after the savepoint.
    expect(client.status).toBe('running');
    await client.cancel();
    await expect(client.result).rejects.toBeInstanceOf(JobCancelledError);

    const counts = await keyedValues(await loadCheckpoint(outcome.checkpoint.pointer), 'counter', COUNT);
    expect(counts.get('a')).toBe(3);
    expect(counts.get('b')).toBe(1);
    expect(counts.get('c')).toBe(1);
  });
});
