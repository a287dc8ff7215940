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
  /** The connections' `application_name`, to find them in `pg_stat_activity`. */
  readonly applicationName?: string;
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

/** Options of the bounded PostgreSQL source (`env.fromPostgres`). */
export interface PostgresSourceOptions extends PostgresConnectionOptions {
  /** The table to read, `name` or `schema.name` (or give {@link query}). */
  readonly table?: string;
  /** A `SELECT` whose rows are read instead of a table's; it must return {@link keyColumn}. */
  readonly query?: string;
  /**
   * An integer column, unique over the rows (the primary key, say): rows are read in its order, a
   * split is a range of it, and a split's position is the last key emitted.
   */
  readonly keyColumn: string;
  /** Key ranges to split the rows into (default: the source's parallelism). */
  readonly splits?: number;
  /**
   * The keys to read, both inclusive; default: the keys' minimum and maximum when a split is first
   * read (each subtask asks, so the table must not change meanwhile: give the range to be exact).
   */
  readonly keyRange?: readonly [from: number | bigint, to: number | bigint];
  /** Rows per query (default 1000). */
  readonly fetchRows?: number;
}

/**
 * What remains of one key range (plain data, in checkpoints). Keys are decimal text (an `int8`
 * does not fit a number).
 */
export interface PostgresKeyRangeSplit {
  /** `<index>/<count>`, zero-padded so that splits sort in key order. */
  readonly id: string;
  readonly index: number;
  readonly count: number;
  /** The last key emitted, or the range's exclusive lower end; `null`: from the first key. */
  readonly after: string | null;
  /** The last key of the range; `null`: to the end. */
  readonly to: string | null;
  /** Whether the bounds are known (false until the keys' range was read). */
  readonly resolved: boolean;
}
