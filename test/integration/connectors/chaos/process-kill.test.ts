// Redis → keyed count → PostgreSQL survives `kill -9` of the whole process: a run killed (SIGKILL,
// so workers, connections and prepared transactions are left as a crash leaves them) in the middle
// of its input, after a checkpoint completed, resumed by a new process from the retained
// checkpoint, ends with both tables exactly as a failure-free run computes them and no prepared
// transaction left. The input comes in two halves: the second is added once a checkpoint completed,
// and the kill comes when the job reaches three quarters of the input.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../../../src/index.ts';
import {
  deleteRedisPrefix,
  dropSchema,
  preparedTransactions,
  testPostgres,
  testRedis,
  uniqueName,
} from '../../../support/servers.ts';
import { createClickTables, readClickTables } from '../jobs/click-tables.ts';
import { RUNNER_JOB, type RunnerArgs, runnerJob } from '../jobs/redis-to-postgres.runner.ts';

const RUNNER = fileURLToPath(new URL('../jobs/redis-to-postgres.runner.ts', import.meta.url));
const CLICKS = 3000;
const USERS = 7;
const name = uniqueName('weir_kill_rp');
const root = mkdtempSync(join(tmpdir(), 'weir-kill-rp-'));
let redis: Redis;
let postgres: pg.Client;
let streams: string[];

beforeAll(async () => {
  redis = await testRedis();
  postgres = await testPostgres();
  streams = Array.from({ length: 3 }, (_, i) => `${name}:clicks:${i}`);
  await addClicks(0, CLICKS / 2);
  await createClickTables(postgres, name);
});

async function addClicks(from: number, to: number): Promise<void> {
  const pipeline = redis.pipeline();
  for (let n = from; n < to; n++)
    pipeline.xadd(streams[n % 3]!, '*', 'user', `u${n % USERS}`, 'n', String(n));
  await pipeline.exec();
}

afterAll(async () => {
  await deleteRedisPrefix(redis, name);
  redis.disconnect();
  await dropSchema(postgres, name, `weir_${name}`);
  await postgres.end();
  rmSync(root, { recursive: true, force: true });
});

/**
 * Runs the job in a child process; `onLine` sees its output lines and may kill it. Resolves with
 * the exit (code or signal) and the `done` line.
 */
function runChild(
  args: RunnerArgs,
  onLine: (line: string, kill: () => void) => void = () => {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; done: string | undefined; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let done: string | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('done ')) done = line;
    onLine(line, () => child.kill('SIGKILL'));
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, done, stderr }));
  });
}

describe('kill -9 of the whole process: Redis → keyed count → PostgreSQL', () => {
  it('resumes from the retained checkpoint with both tables exact', async () => {
    const args: RunnerArgs = {
      streams,
      schema: name,
      bounded: false, // never ends by itself: only the kill stops it
      checkpointDir: join(root, 'checkpoints'),
      resume: false,
      busyMicros: 500,
    };
    let added: Promise<void> | undefined;
    const killed = await runChild({ ...args, announceAt: (CLICKS * 3) / 4 }, (line, kill) => {
      if (line.startsWith('checkpoint ')) added ??= addClicks(CLICKS / 2, CLICKS);
      if (line.startsWith('reached ')) kill();
    });
    await added;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const atKill = await postgres.query(`SELECT count(*)::int AS n FROM "${name}".updates`);
    const prepared = await preparedTransactions(postgres, `weir_${name}`);
    console.info(
      `killed with ${atKill.rows[0].n} of ${CLICKS} updates committed, ${prepared.length} prepared`,
    );

    // Resumed (here, a process of its own too) as a bounded catch-up: the restored positions, up to
    // the streams' current ends.
    const resumed = await startJob(RUNNER_JOB, runnerJob({ ...args, bounded: true, resume: true }));
    expect((await resumed.result).attempts).toBe(1);

    const perUser = new Map<string, number>();
    for (let n = 0; n < CLICKS; n++) perUser.set(`u${n % USERS}`, (perUser.get(`u${n % USERS}`) ?? 0) + 1);
    const { updates, totals } = await readClickTables(postgres, name);
    expect(totals).toEqual([...perUser].sort().map(([u, c]) => `${u} ${c}`));
    // Every update once: per user the counts 1..n.
    expect(updates).toEqual(
      [...perUser].sort().flatMap(([u, c]) => Array.from({ length: c }, (_, i) => `${u} ${i + 1}`)),
    );
    expect(await preparedTransactions(postgres, `weir_${name}`)).toEqual([]);
  });
});
