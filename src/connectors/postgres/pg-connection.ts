/**
 * PostgreSQL connections of a subtask, through `pg` (loaded on demand), and the SQL text the
 * connectors build: quoted identifiers, multi-row inserts and upserts. Credentials come from the
 * options or from pg's own environment variables (`PGHOST`, `PGUSER`, `PGPASSWORD`, ...); errors
 * name the address and database only.
 *
 * Thread: the subtask's worker thread.
 */
import type { Client, ClientConfig } from 'pg';
import { commonJsExports, loadClient } from '../client-loader.ts';
import { ConnectorUnavailableError } from '../connector-errors.ts';
import { type PostgresConnectionOptions, postgresAddress } from './postgres-options.ts';

/** A connected client; rejects with {@link ConnectorUnavailableError} naming `connector` and the address. */
export async function connectPostgres(
  options: PostgresConnectionOptions,
  connector: string,
  onError: (error: unknown) => void,
): Promise<Client> {
  const pg = commonJsExports<{ Client: new (config: ClientConfig) => Client }>(
    await loadClient('pg', `The ${connector}`, () => import('pg')),
  );
  const { connectTimeoutMs, applicationName, ...config } = options;
  const client = new pg.Client({
    ...config,
    ...(applicationName !== undefined ? { application_name: applicationName } : {}),
    connectionTimeoutMillis: connectTimeoutMs ?? 5000,
  });
  // A connection lost between queries: the next query fails too, this says why.
  client.on('error', onError);
  try {
    await client.connect();
  } catch (error) {
    void client.end().catch(() => {});
    throw new ConnectorUnavailableError(connector, postgresAddress(options), 'connecting', error);
  }
  return client;
}

/** `"schema"."table"` from `schema.table` (or a bare name), each part quoted. */
export function quoteName(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

/** A string literal (transaction ids, which take no parameters). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * `INSERT INTO table (columns) VALUES ($1, ...), ...` for `rows` rows, with
 * `ON CONFLICT (key) DO UPDATE SET other = EXCLUDED.other` when `key` is given (`DO NOTHING` when
 * every column is part of the key).
 */
export function insertStatement(
  table: string,
  columns: readonly string[],
  rows: number,
  key?: readonly string[],
): string {
  const width = columns.length;
  const values: string[] = [];
  for (let r = 0; r < rows; r++) {
    const params = columns.map((_, c) => `$${r * width + c + 1}`);
    values.push(`(${params.join(', ')})`);
  }
  let sql = `INSERT INTO ${quoteName(table)} (${columns.map(quoteName).join(', ')}) VALUES ${values.join(', ')}`;
  if (key !== undefined && key.length > 0) {
    const others = columns.filter((c) => !key.includes(c));
    sql += ` ON CONFLICT (${key.map(quoteName).join(', ')}) DO `;
    sql +=
      others.length === 0
        ? 'NOTHING'
        : `UPDATE SET ${others.map((c) => `${quoteName(c)} = EXCLUDED.${quoteName(c)}`).join(', ')}`;
  }
  return sql;
}

/** Whether a pg error is about the data (a row the table refuses) rather than the server or connection. */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(22|23|42)/.test(code);
}

/** SQLSTATE of "prepared transaction ... does not exist". */
export const UNDEFINED_OBJECT = '42704';
