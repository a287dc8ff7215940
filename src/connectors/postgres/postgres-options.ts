/**
 * Where a PostgreSQL connector connects and how records become rows: the public option types,
 * apart from the code that uses pg (pg-connection.ts, row-writer.ts), so that the package's
 * declarations type-check without pg installed.
 */

/** Where a PostgreSQL connector connects; every field optional (pg's `PG*` variables, then defaults). */
export interface PostgresConnectionOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly connectionString?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  readonly database?: string;
  /** Milliseconds to wait for a connection (default 5000). */
  readonly connectTimeoutMs?: number;
}

/** `host:port/database` of `options`, for messages (never credentials). */
export function postgresAddress(options: PostgresConnectionOptions): string {
  const url = options.connectionString !== undefined ? new URL(options.connectionString) : undefined;
  const host = options.host ?? (url?.hostname || process.env['PGHOST'] || 'localhost');
  const port = options.port ?? Number(url?.port || process.env['PGPORT'] || 5432);
  const database = options.database ?? (url?.pathname.slice(1) || process.env['PGDATABASE'] || '');
  return `${host}:${port}/${database}`;
}

/** How records become rows. */
export interface RowOptions<T> extends PostgresConnectionOptions {
  /** The table, `name` or `schema.name`. */
  readonly table: string;
  /** The columns written, in order. */
  readonly columns: readonly string[];
  /** The row of a record: values in column order, or an object by column; default `record[column]`. */
  readonly row?: (record: T) => readonly unknown[] | Readonly<Record<string, unknown>>;
  /** Upsert on these columns (a unique key of the table): a later row replaces an earlier one. */
  readonly upsertKey?: readonly string[];
  /** Rows per statement (default 500, fewer when the columns would exceed 65535 parameters). */
  readonly batchRows?: number;
}
