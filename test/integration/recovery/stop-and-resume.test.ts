// Stop-with-savepoint while periodic checkpoints run every 10 ms, then a new job resumed
// from the savepoint: together the two jobs' collected results hold every (key, count) exactly
// once. A periodic checkpoint completing after the savepoint would put records beyond it into the
// first result (the resumed job produces them again); a resumed job re-delivering the savepoint's
// pending transaction would duplicate them; a stop that ends before the savepoint's commit ran
// would lose them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type KeyCount, startJob } from '../../../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-stop-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const job = new URL('../jobs/count.job.ts', import.meta.url);

// The first job would need 50 s for all of it (4000 records/s): it is stopped long before.
const COUNT = 200_000;
const RATE = 4000;
const KEYS = 16;

describe('stop-with-savepoint, then resume', () => {
  it.each([1, 2])('at parallelism %i, the two results together hold each count once', async (parallelism) => {
    const dir = join(root, `p${parallelism}`);
    const first = await startJob(job, {
      args: { count: COUNT, keys: KEYS, ratePerSecond: RATE },
      environment: {
        parallelism,
        checkpointing: { intervalMs: 10, storage: { kind: 'filesystem', dir: join(dir, 'chk') } },
      },
    });
    // Stop once periodic checkpoints are under way (so that one may race the savepoint).
    await new Promise<void>((resolve) => {
      const off = first.on('checkpoint', () => {
        off();
        resolve();
      });
    });
    const outcome = await first.stopWithSavepoint(join(dir, 'sp'));
    if (outcome.status !== 'completed') throw new Error(`savepoint ${outcome.status}`);
    const before = (await first.result).collected<KeyCount<string>>('counts');
    expect(first.status).toBe('finished');

    const second = await startJob(job, {
      args: { count: COUNT, keys: KEYS },
      environment: {
        parallelism,
        checkpointing: { intervalMs: 10, storage: { kind: 'filesystem', dir: join(dir, 'chk2') } },
        resume: { path: outcome.checkpoint.pointer },
      },
    });
    const after = (await second.result).collected<KeyCount<string>>('counts');

    const seen = new Map<string, number[]>();
    for (const { key, count } of [...before, ...after]) {
      const list = seen.get(key) ?? [];
      list.push(count);
      seen.set(key, list);
    }
    expect(seen.size).toBe(KEYS);
    for (const [key, counts] of seen) {
      counts.sort((a, b) => a - b);
      const expected = Array.from({ length: COUNT / KEYS }, (_, i) => i + 1);
      expect(counts, key).toEqual(expected);
    }
  });

  it('a stop whose savepoint fails leaves the job running, with periodic checkpoints resumed', async () => {
    const dir = join(root, 'failed-stop');
    const client = await startJob(job, {
      args: { count: COUNT, keys: KEYS, ratePerSecond: RATE },
      environment: {
        parallelism: 1,
        checkpointing: { intervalMs: 10, storage: { kind: 'filesystem', dir: join(dir, 'chk') } },
      },
    });
    const blocker = join(root, 'not-a-directory');
    writeFileSync(blocker, '');
    const outcome = await client.stopWithSavepoint(join(blocker, 'sp'));
    expect(outcome.status).toBe('failed');
    expect(client.status).toBe('running');
    const completedBefore = client.checkpointStats().counts.completed;
    await new Promise<void>((resolve) => {
      const off = client.on('checkpoint', () => {
        off();
        resolve();
      });
    });
    expect(client.checkpointStats().counts.completed).toBeGreaterThan(completedBefore);
    await client.cancel();
  });
});
