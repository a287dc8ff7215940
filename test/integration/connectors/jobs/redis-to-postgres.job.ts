// Clicks read from Redis streams, counted per user (keyed state), every update inserted into a
// PostgreSQL table and each user's latest count upserted into another, both exactly once by two-phase
// commit. Failures are injected at chosen clicks (an exception in the map; the counter's worker
// exiting; the updates sink's worker exiting, most often with transactions prepared and not yet
// committed). Each fires once (a shared flag per failure).
import { defineJob, type RedisStreamEntry, valueState } from '../../../../src/index.ts';
import { POSTGRES, REDIS_URL } from '../../../support/servers.ts';

export interface RedisToPostgresArgs {
  readonly streams: readonly string[];
  /** Read the streams bounded (default) or until cancelled. */
  readonly bounded?: boolean;
  /** Schema holding `updates (user_id, count)` and `totals (user_id PRIMARY KEY, count)`. */
  readonly schema: string;
  readonly throwAt: readonly number[];
  readonly exitAt: readonly number[];
  /** Click numbers at which the updates sink's worker exits. */
  readonly sinkExitAt: readonly number[];
  /** Flags: one per failure (throwAt, exitAt, sinkExitAt). */
  readonly fired: SharedArrayBuffer;
  readonly busyMicros?: number;
  /** Names the job's connections (Redis client name, PostgreSQL application_name), to cut only them. */
  readonly connectionName?: string;
  /** Prints `reached <n>` to stdout when the map sees click n (a process-kill test kills then). */
  readonly announceAt?: number;
}

export interface Count {
  readonly user: string;
  readonly count: number;
  /** The click that made it. */
  readonly n: number;
}

const COUNT = valueState<number>('count', { defaultValue: 0 });

export default defineJob<RedisToPostgresArgs>((env, args) => {
  const fired = new Int32Array(args.fired);
  const fireOnce = (index: number): boolean => Atomics.compareExchange(fired, index, 0, 1) === 0;
  const sinkFailures = args.throwAt.length + args.exitAt.length;
  const named =
    args.connectionName === undefined
      ? {}
      : { clientName: args.connectionName, applicationName: args.connectionName };
  const counts = env
    .fromRedisStream({ url: REDIS_URL, streams: args.streams, bounded: args.bounded ?? true, ...named })
    .uid('clicks')
    .map((entry: RedisStreamEntry) => {
      const until = performance.now() + (args.busyMicros ?? 0) / 1000;
      while (performance.now() < until);
      const n = Number(entry.fields['n']);
      if (n === args.announceAt) console.log(`reached ${n}`);
      const i = args.throwAt.indexOf(n);
      if (i >= 0 && fireOnce(i)) throw new Error(`injected failure at click ${n}`);
      return { user: entry.fields['user']!, n };
    })
    .uid('parse')
    .keyBy('user')
    .process<Count>((click, ctx, out) => {
      const i = args.exitAt.indexOf(click.n);
      if (i >= 0 && fireOnce(args.throwAt.length + i)) process.exit(3);
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect({ user: click.user, count: count.value(), n: click.n });
    })
    .uid('counter');
  counts
    .sinkToPostgres({
      ...POSTGRES,
      ...named,
      table: `${args.schema}.updates`,
      columns: ['user_id', 'count'],
      row: (c: Count) => {
        const i = args.sinkExitAt.indexOf(c.n);
        if (i >= 0 && fireOnce(sinkFailures + i)) process.exit(4);
        return [c.user, c.count];
      },
    })
    .uid('updates');
  counts
    .sinkToPostgres({
      ...POSTGRES,
      ...named,
      table: `${args.schema}.totals`,
      columns: ['user_id', 'count'],
      upsertKey: ['user_id'],
      row: (c: Count) => [c.user, c.count],
    })
    .uid('totals');
});
