// Rows `(id, user_id)` read from PostgreSQL in key ranges, counted per user (keyed state), every
// update inserted exactly once into `<target>` `(user_id, count, id)`. Failures are injected at
// chosen ids (an exception in the map; the counter's worker exiting), each once (a shared flag).
import { defineJob, valueState } from '../../../../src/index.ts';
import { POSTGRES } from '../../../support/servers.ts';

export interface PostgresSourceArgs {
  readonly table?: string;
  readonly query?: string;
  readonly splits?: number;
  readonly keyRange?: readonly [number, number];
  readonly target: string;
  readonly throwAt: readonly number[];
  readonly exitAt: readonly number[];
  /** Flags: one per failure (throwAt, then exitAt). */
  readonly fired: SharedArrayBuffer;
  /** Microseconds of CPU per row, so that a savepoint falls mid-input. */
  readonly busyMicros?: number;
}

interface Row {
  readonly id: number;
  readonly user_id: string;
}

const COUNT = valueState<number>('count', { defaultValue: 0 });

export default defineJob<PostgresSourceArgs>((env, args) => {
  const fired = new Int32Array(args.fired);
  const fireOnce = (index: number): boolean => Atomics.compareExchange(fired, index, 0, 1) === 0;
  env
    .fromPostgres<Row>({
      ...POSTGRES,
      ...(args.table !== undefined ? { table: args.table } : {}),
      ...(args.query !== undefined ? { query: args.query } : {}),
      ...(args.splits !== undefined ? { splits: args.splits } : {}),
      ...(args.keyRange !== undefined ? { keyRange: args.keyRange } : {}),
      keyColumn: 'id',
      fetchRows: 100,
    })
    .uid('rows')
    .map((row) => {
      const until = performance.now() + (args.busyMicros ?? 0) / 1000;
      while (performance.now() < until);
      const i = args.throwAt.indexOf(row.id);
      if (i >= 0 && fireOnce(i)) throw new Error(`injected failure at row ${row.id}`);
      return row;
    })
    .keyBy('user_id')
    .process<[string, number, number]>((row, ctx, out) => {
      const i = args.exitAt.indexOf(row.id);
      if (i >= 0 && fireOnce(args.throwAt.length + i)) process.exit(3);
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect([row.user_id, count.value(), row.id]);
    })
    .uid('counter')
    .sinkToPostgres({ ...POSTGRES, table: args.target, columns: ['user_id', 'count', 'id'] })
    .uid('updates');
});
