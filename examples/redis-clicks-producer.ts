/**
 * The producer of examples/redis-clicks.job.ts: creates the table the job writes
 * (`weir_example.page_clicks`, emptied) and appends clicks `{ page, user }` to the stream
 * `weir:example:clicks` (emptied first), in pipelined batches. Prints the expected count per page,
 * to compare with the table after the job ran:
 *
 *   node --import tsx examples/redis-clicks-producer.ts [clicks = 100000]
 *
 * Connections: `REDIS_URL` (default redis://127.0.0.1:6379) and pg's `PG*` variables.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { DEFAULT_STREAM, DEFAULT_TABLE } from './redis-clicks.job.ts';

const clicks = Number(process.argv[2] ?? 100_000);
const PAGES = ['/', '/pricing', '/docs', '/blog', '/about', '/signup'];

// pg reads PGHOST, PGUSER, PGPASSWORD, PGDATABASE, as the job's sink does.
const postgres = new pg.Client();
await postgres.connect();
await postgres.query('CREATE SCHEMA IF NOT EXISTS weir_example');
await postgres.query(
  `CREATE TABLE IF NOT EXISTS ${DEFAULT_TABLE} (page text PRIMARY KEY, clicks bigint NOT NULL)`,
);
await postgres.query(`TRUNCATE ${DEFAULT_TABLE}`);
await postgres.end();

const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
await redis.del(DEFAULT_STREAM);
const expected = new Map<string, number>();
for (let from = 0; from < clicks; from += 1000) {
  const pipeline = redis.pipeline();
  for (let n = from; n < Math.min(clicks, from + 1000); n++) {
    const page = PAGES[(n * 7919) % PAGES.length]!;
    expected.set(page, (expected.get(page) ?? 0) + 1);
    pipeline.xadd(DEFAULT_STREAM, '*', 'page', page, 'user', `u${n % 977}`);
  }
  await pipeline.exec();
}
redis.disconnect();
console.log(`${clicks} clicks appended to ${DEFAULT_STREAM}; expected in ${DEFAULT_TABLE}:`);
for (const [page, count] of [...expected].sort()) console.log(`  ${page} ${count}`);
