// Connections cut by the servers mid-job (Redis CLIENT KILL, PostgreSQL pg_terminate_backend)
// fail the job naming the connector and address; it restarts from its checkpoint, reconnects and
// resumes: the PostgreSQL tables end exactly as a run without the cut (exactly-once), the
// prepared transactions of the cut attempt committed or rolled back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../../../src/index.ts';
import {
  deleteRedisPrefix,
  dropSchema,
  testPostgres,
  testRedis,
  uniqueName,
} from '../../../support/servers.ts';
import { createClickTables, readClickTables } from '../jobs/click-tables.ts';
import type { RedisToPostgresArgs } from '../jobs/redis-to-postgres.job.ts';

const JOB = new URL('../jobs/redis-to-postgres.job.ts', import.meta.url);
const CLICKS = 1000;
const USERS = 5;
const name = uniqueName('weir_cut');
const root = mkdtempSync(join(tmpdir(), 'weir-cut-'));
let redis: Redis;
let postgres: pg.Client;

beforeAll(async () => {
  redis = await testRedis();
  postgres = await testPostgres();
  await createClickTables(postgres, name);
});
afterAll(async () => {
  await deleteRedisPrefix(redis, name);
  redis.disconnect();
  await dropSchema(postgres, name, `weir_${name}`);
  await postgres.end();
  rmSync(root, { recursive: true, force: true });
});

async function produce(stream: string, from: number, to: number): Promise<void> {
  const pipeline = redis.pipeline();
  for (let n = from; n < to; n++) pipeline.xadd(stream, '*', 'user', `u${n % USERS}`, 'n', String(n));
  await pipeline.exec();
}

/** Clicks counted in both tables (committed). */
async function committed(): Promise<{ updates: number; total: number }> {
  const updates = await postgres.query(`SELECT count(*)::int AS n FROM "${name}".updates`);
  const totals = await postgres.query(`SELECT coalesce(sum(count), 0)::int AS n FROM "${name}".totals`);
  return { updates: updates.rows[0].n, total: totals.rows[0].n };
}

describe('connection loss', () => {
  it('a job whose connections the servers cut resumes from its checkpoint, exactly once', async () => {
    const stream = `${name}:clicks`;
    await produce(stream, 0, CLICKS / 2);
    const args: RedisToPostgresArgs = {
      streams: [stream],
      bounded: false,
      schema: name,
      throwAt: [],
      exitAt: [],
      sinkExitAt: [],
      fired: new SharedArrayBuffer(4),
      connectionName: name,
    };
    const client = await startJob(JOB, {
      args,
      environment: {
        parallelism: 2,
        checkpointing: { intervalMs: 40, storage: { kind: 'filesystem', dir: root } },
        restart: { strategy: 'fixed-delay', attempts: 20, delayMs: 50 },
      },
    });
    const failures: string[] = [];
    client.on('failure', (failure) => failures.push(failure.error.message));
    // The first completed checkpoint: the servers cut every connection of the job.
    await new Promise<void>((resolve) => client.on('checkpoint', () => resolve()));
    // Only this job's connections (by name): other tests and sessions share the servers. Both
    // are listed before either is cut: the first cut fails the job, whose restart closes the rest.
    const clients = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')).split('\n');
    const ids = clients.filter((c) => c.includes(` name=${name} `)).map((c) => /^id=(\d+)/.exec(c)![1]!);
    const backends = await postgres.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
      name,
    ]);
    expect(ids.length).toBeGreaterThan(0);
    expect(backends.rows.length).toBeGreaterThan(0);
    for (const id of ids) await redis.call('CLIENT', 'KILL', 'ID', id);
    await postgres.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
      backends.rows.map((r: { pid: number }) => r.pid),
    ]);
    // Once the job runs again the second half arrives; it ends when every click is committed.
    await new Promise<void>((resolve) => client.on('recovered', () => resolve()));
    await produce(stream, CLICKS / 2, CLICKS);
    await new Promise<void>((resolve, reject) => {
      let checking = false;
      client.on('checkpoint', () => {
        if (checking) return;
        checking = true;
        committed().then((c) => {
          checking = false;
          if (c.updates >= CLICKS && c.total >= CLICKS) resolve();
        }, reject);
      });
    });
    await client.cancel();
    expect(failures.length).toBeGreaterThanOrEqual(1);
    // The first to notice fails the job: a read, a write or a commit (ConnectorUnavailableError),
    // or a prepare, which declines the checkpoint (the checkpoint failure names the same cause).
    expect(failures.join('\n')).toMatch(/(redis stream source|postgres sink) at 127\.0\.0\.1:\d+/);
    const expected: string[] = [];
    for (let u = 0; u < USERS; u++) for (let c = 1; c <= CLICKS / USERS; c++) expected.push(`u${u} ${c}`);
    expect((await readClickTables(postgres, name)).updates.sort()).toEqual(expected.sort());
    expect(await committed()).toEqual({ updates: CLICKS, total: CLICKS });
  });
});
