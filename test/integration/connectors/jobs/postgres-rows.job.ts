// Given rows `[id, v]` written by the PostgreSQL sink into `table` (columns id, v).
import { defineJob } from '../../../../src/index.ts';
import { POSTGRES } from '../../../support/servers.ts';

export interface PostgresRowsArgs {
  readonly table: string;
  readonly rows: ReadonlyArray<readonly [number, string]>;
  /** Connect to this port instead (a server that does not answer). */
  readonly port?: number;
}

export default defineJob<PostgresRowsArgs>((env, args) => {
  env.fromArray(args.rows.map(([id, v]) => ({ id, v }))).sinkToPostgres({
    ...POSTGRES,
    ...(args.port !== undefined ? { port: args.port, connectTimeoutMs: 2000 } : {}),
    table: args.table,
    columns: ['id', 'v'],
  });
});
