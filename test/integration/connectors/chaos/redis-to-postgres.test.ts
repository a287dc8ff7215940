// Redis → keyed count → PostgreSQL at parallelism 2 with failures at seeded random clicks (an
// exception, the counter's worker exiting, a sink's worker exiting with transactions prepared and
// not yet committed, as a checkpoint runs every 40 ms): exactly-once, both
// tables equal those of a failure-free run and no prepared transaction is left; at-least-once,
// nothing is missing. WEIR_CHAOS_RUNS sets the number of exactly-once runs (default 4).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckpointingMode, startJob } from '../../../../src/index.ts';
import {
  deleteRedisPrefix,
  dropSchema,
  preparedTransactions,
  testPostgres,
  testRedis,
  uniqueName,
} from '../../../support/servers.ts';
import { type ClickTables, createClickTables, readClickTables } from '../jobs/click-tables.ts';
import type { RedisToPostgresArgs } from '../jobs/redis-to-postgres.job.ts';

const JOB = new URL('../jobs/redis-to-postgres.job.ts', import.meta.url);
const CLICKS = 1500;
const USERS = 7;
const RUNS = Number(process.env['WEIR_CHAOS_RUNS'] ?? 4);
const name = uniqueName('weir_chaos_rp');
const root = mkdtempSync(join(tmpdir(), 'weir-chaos-rp-'));
const schemas: string[] = [];
let redis: Redis;
let postgres: pg.Client;
let streams: string[];
let reference: ClickTables;

async function run(
  seed: number | undefined,
  mode: CheckpointingMode,
): Promise<{ schema: string; attempts: number; fired: Int32Array }> {
  const schema = `${name}_${schemas.length}`;
  schemas.push(schema);
  await createClickTables(postgres, schema);
  const points =
    seed === undefined
      ? []
      : fc.sample(
          fc.uniqueArray(fc.integer({ min: CLICKS / 10, max: CLICKS - 1 }), { minLength: 3, maxLength: 3 }),
          {
            seed,
            numRuns: 1,
          },
        )[0]!;
  const args: RedisToPostgresArgs = {
    streams,
    schema,
    throwAt: points.slice(0, 1),
    exitAt: points.slice(1, 2),
    sinkExitAt: points.slice(2),
    fired: new SharedArrayBuffer(4 * points.length),
    busyMicros: 100,
  };
  const client = await startJob(JOB, {
    args,
    environment: {
      parallelism: 2,
      checkpointing: { intervalMs: 40, mode, storage: { kind: 'filesystem', dir: join(root, schema) } },
      restart: { strategy: 'fixed-delay', attempts: 10, delayMs: 10 },
    },
  });
  const started = performance.now();
  const result = await client.result;
  console.info(
    `${schema} ${mode}: ${result.attempts} attempts, ${Math.round(performance.now() - started)} ms`,
  );
  return { schema, attempts: result.attempts, fired: new Int32Array(args.fired) };
}

beforeAll(async () => {
  redis = await testRedis();
  postgres = await testPostgres();
  streams = Array.from({ length: 3 }, (_, i) => `${name}:clicks:${i}`);
  const pipeline = redis.pipeline();
  for (let n = 0; n < CLICKS; n++)
    pipeline.xadd(streams[n % 3]!, '*', 'user', `u${(n * 7919) % USERS}`, 'n', String(n));
  await pipeline.exec();
  const { schema } = await run(undefined, 'exactly-once');
  reference = await readClickTables(postgres, schema);
  // The failure-free run against the counts computed here.
  const expected = new Map<string, number>();
  for (let n = 0; n < CLICKS; n++) {
    const user = `u${(n * 7919) % USERS}`;
    expected.set(user, (expected.get(user) ?? 0) + 1);
  }
  expect(reference.totals).toEqual([...expected].sort().map(([u, c]) => `${u} ${c}`));
  expect(reference.updates).toHaveLength(CLICKS);
});

afterAll(async () => {
  await deleteRedisPrefix(redis, name);
  redis.disconnect();
  for (const schema of schemas) await dropSchema(postgres, schema, `weir_${schema}`);
  await postgres.end();
  rmSync(root, { recursive: true, force: true });
});

describe('chaos: Redis → keyed count → PostgreSQL', () => {
  it.each(Array.from({ length: RUNS }, (_, i) => 101 + i))('exactly-once, seed %i', async (seed) => {
    const { schema, attempts, fired } = await run(seed, 'exactly-once');
    expect([...fired]).toEqual([1, 1, 1]);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(await readClickTables(postgres, schema)).toEqual(reference);
    expect(await preparedTransactions(postgres, `weir_${schema}`)).toEqual([]);
  });

  it('at-least-once, seed 201: nothing missing', async () => {
    const { schema, fired } = await run(201, 'at-least-once');
    expect([...fired]).toEqual([1, 1, 1]);
    const got = await readClickTables(postgres, schema);
    expect(new Set(got.updates)).toEqual(new Set(reference.updates));
    expect(got.totals).toEqual(reference.totals);
  });
});
