/**
 * Clicks from a Redis stream, counted per page, written into PostgreSQL exactly once: the Redis
 * Streams source keeps its position (the last entry id) in checkpoints, the count is keyed state,
 * and the PostgreSQL sink upserts each page's count in a transaction prepared at every checkpoint
 * and committed when it completes. A crash anywhere leaves `page_clicks` as a run without one
 * would. Fill the stream with examples/redis-clicks-producer.ts first (it also creates the table):
 *
 *   export PGHOST=127.0.0.1 PGUSER=postgres
 *   node --import tsx examples/redis-clicks-producer.ts 100000
 *   node bin/weir.mjs run examples/redis-clicks.job.ts --args '{"bounded": true}'
 *
 * Without `bounded` the job runs until stopped, counting clicks as they arrive. Connections:
 * `REDIS_URL` (default redis://127.0.0.1:6379) and pg's `PG*` variables.
 */
import { defineJob, type RedisStreamEntry } from '../src/index.ts';

/** Arguments of the job. */
export interface RedisClicksArgs {
  /** Stop at the clicks there when the job starts (default: run until stopped). */
  readonly bounded?: boolean;
  /** The stream (default `weir:example:clicks`). */
  readonly stream?: string;
  /** The table (default `weir_example.page_clicks`). */
  readonly table?: string;
}

export const DEFAULT_STREAM = 'weir:example:clicks';
export const DEFAULT_TABLE = 'weir_example.page_clicks';

interface PageCount {
  readonly page: string;
  readonly clicks: number;
}

export default defineJob<RedisClicksArgs | undefined>(
  (env, args) => {
    env
      .fromRedisStream({ streams: [args?.stream ?? DEFAULT_STREAM], bounded: args?.bounded ?? false })
      .uid('clicks')
      .map((entry: RedisStreamEntry): PageCount => ({ page: entry.fields['page'] ?? '?', clicks: 1 }))
      .uid('parse')
      .keyBy('page')
      .sum('clicks')
      .uid('count')
      .sinkToPostgres({
        table: args?.table ?? DEFAULT_TABLE,
        columns: ['page', 'clicks'],
        upsertKey: ['page'],
        row: (count: PageCount) => [count.page, count.clicks],
      })
      .uid('page-clicks');
  },
  { checkpointing: { intervalMs: 1000, mode: 'exactly-once' } },
);
