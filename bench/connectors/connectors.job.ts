// Redis Streams → per-user count → PostgreSQL: each click `{ user, n }` read from Redis streams,
// counted per user in keyed state, and every update inserted as a row `(user_id, count, n)`,
// exactly-once (two-phase commit) or at-least-once (each batch at once).
import { defineJob, type RedisStreamEntry, type SinkGuarantee, valueState } from '../../src/index.ts';

export interface ConnectorsJobArgs {
  readonly redisUrl: string;
  readonly postgres: { host: string; port: number; user: string; database: string };
  readonly streams: readonly string[];
  /** Read up to the entries present at start (throughput), or until cancelled (latency). */
  readonly bounded: boolean;
  readonly table: string;
  readonly guarantee: SinkGuarantee;
}

const COUNT = valueState<number>('count', { defaultValue: 0 });

export default defineJob<ConnectorsJobArgs>((env, args) => {
  env
    .fromRedisStream({ url: args.redisUrl, streams: args.streams, bounded: args.bounded })
    .map((entry: RedisStreamEntry) => ({ user: entry.fields['user']!, n: Number(entry.fields['n']) }))
    .keyBy('user')
    .process<[string, number, number]>((click, ctx, out) => {
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect([click.user, count.value(), click.n]);
    })
    .sinkToPostgres({
      ...args.postgres,
      table: args.table,
      columns: ['user_id', 'count', 'n'],
      guarantee: args.guarantee,
    });
});
