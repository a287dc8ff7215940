// The bounded PostgreSQL source against the real server: every row of a table (or query) is read
// exactly once, in key ranges spread over the subtasks, also when the job fails and restores its
// ranges' positions from a checkpoint, or resumes from a savepoint at another parallelism: the
// exactly-once output table then equals the one computed here. An empty table ends the job at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../../../src/index.ts';
import { dropSchema, testPostgres, uniqueName } from '../../../support/servers.ts';
import type { PostgresSourceArgs } from '../jobs/postgres-source.job.ts';

const JOB = new URL('../jobs/postgres-source.job.ts', import.meta.url);
const ROWS = 2000;
const USERS = 5;
const schema = uniqueName('weir_test_pgsrc');
const root = mkdtempSync(join(tmpdir(), 'weir-pgsrc-'));
let client: pg.Client;
let targets = 0;

beforeAll(async () => {
  client = await testPostgres();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.query(`CREATE TABLE "${schema}".clicks (id int PRIMARY KEY, user_id text NOT NULL)`);
  await client.query(`CREATE TABLE "${schema}".empty (id int PRIMARY KEY, user_id text NOT NULL)`);
  // Ids with gaps (every third one missing) starting above zero: ranges are not dense.
  await client.query(
    `INSERT INTO "${schema}".clicks SELECT g, 'u' || (g % ${USERS}) FROM generate_series(1, ${(ROWS * 3) / 2}) g WHERE g % 3 <> 0`,
  );
});
afterAll(async () => {
  await dropSchema(client, schema, `weir_${schema}`);
  await client.end();
  rmSync(root, { recursive: true, force: true });
});

/** Runs the job into a fresh target table; resolves with its rows `user count id`, sorted. */
async function run(
  args: Omit<PostgresSourceArgs, 'target' | 'fired' | 'throwAt' | 'exitAt'> & {
    throwAt?: number[];
    exitAt?: number[];
  },
  parallelism: number,
): Promise<{ rows: string[]; attempts: number; fired: number[] }> {
  const target = `${schema}.out${targets++}`;
  await client.query(`CREATE TABLE ${target} (user_id text NOT NULL, count int NOT NULL, id int NOT NULL)`);
  const throwAt = args.throwAt ?? [];
  const exitAt = args.exitAt ?? [];
  const fired = new SharedArrayBuffer(4 * (throwAt.length + exitAt.length));
  const job = await startJob(JOB, {
    args: { ...args, target, throwAt, exitAt, fired },
    environment: {
      parallelism,
      checkpointing: { intervalMs: 30, storage: { kind: 'filesystem', dir: join(root, target) } },
      restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 10 },
    },
  });
  const { attempts } = await job.result;
  const { rows } = await client.query<{ user_id: string; count: number; id: number }>(
    `SELECT user_id, count, id FROM ${target}`,
  );
  return {
    rows: rows.map((r) => `${r.user_id} ${r.count}`).sort(),
    attempts,
    fired: [...new Int32Array(fired)],
  };
}

/** Per user the counts 1..n: what a keyed count of every row once emits, in any order. */
function expected(ids: number[]): string[] {
  const per = new Map<string, number>();
  for (const id of ids) per.set(`u${id % USERS}`, (per.get(`u${id % USERS}`) ?? 0) + 1);
  return [...per].flatMap(([user, n]) => Array.from({ length: n }, (_, i) => `${user} ${i + 1}`)).sort();
}

const allIds = Array.from({ length: (ROWS * 3) / 2 }, (_, i) => i + 1).filter((id) => id % 3 !== 0);

describe('PostgreSQL source (bounded, key ranges)', () => {
  it('reads every row once at parallelism 2 with 3 ranges, through an exception and a worker exit', async () => {
    const result = await run({ table: `${schema}.clicks`, splits: 3, throwAt: [700], exitAt: [2600] }, 2);
    expect(result.fired).toEqual([1, 1]);
    expect(result.attempts).toBeGreaterThanOrEqual(3);
    expect(result.rows).toEqual(expected(allIds));
  });

  it('reads a query within a given key range at parallelism 1', async () => {
    const result = await run(
      { query: `SELECT id, user_id FROM "${schema}".clicks WHERE user_id <> 'u0'`, keyRange: [100, 1999] },
      1,
    );
    expect(result.rows).toEqual(expected(allIds.filter((id) => id >= 100 && id <= 1999 && id % USERS !== 0)));
  });

  it('a savepoint at parallelism 2 resumes at parallelism 3: every row once', async () => {
    const target = `${schema}.out${targets++}`;
    await client.query(`CREATE TABLE ${target} (user_id text NOT NULL, count int NOT NULL, id int NOT NULL)`);
    const args: PostgresSourceArgs = {
      table: `${schema}.clicks`,
      splits: 4,
      target,
      throwAt: [],
      exitAt: [],
      fired: new SharedArrayBuffer(4),
      busyMicros: 500,
    };
    // No periodic checkpoint completes after the savepoint: the first run's output is the savepoint's.
    const checkpointing = (dir: string) => ({
      intervalMs: 3_600_000,
      storage: { kind: 'filesystem' as const, dir: join(root, dir) },
    });
    const first = await startJob(JOB, {
      args,
      environment: { parallelism: 2, checkpointing: checkpointing('sp-a') },
    });
    await new Promise<void>((resolve) =>
      first.onProgress((progress) => {
        if ((progress.operators.find((o) => o.uid === 'rows')?.records ?? 0) >= ROWS / 4) resolve();
      }),
    );
    const outcome = await first.stopWithSavepoint(join(root, 'sp'));
    if (outcome.status !== 'completed') throw new Error(`savepoint ${outcome.status}`);
    await first.result;
    const second = await startJob(JOB, {
      args: { ...args, busyMicros: 0 },
      environment: {
        parallelism: 3,
        checkpointing: checkpointing('sp-b'),
        resume: { path: outcome.checkpoint.pointer },
      },
    });
    await second.result;
    const { rows } = await client.query<{ user_id: string; count: number }>(
      `SELECT user_id, count FROM ${target}`,
    );
    expect(rows.map((r) => `${r.user_id} ${r.count}`).sort()).toEqual(expected(allIds));
  });

  it('ends at once on an empty table', async () => {
    const result = await run({ table: `${schema}.empty` }, 2);
    expect(result.rows).toEqual([]);
  });
});
