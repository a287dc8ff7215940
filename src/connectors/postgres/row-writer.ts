/**
 * Records as rows of a PostgreSQL table, and the inserts (or upserts on a key) that write them in
 * multi-row statements. A statement (or a PREPARE) the table refuses (a constraint, a type, a
 * length) is diagnosed on a connection of its own, row by row in transactions that are rolled
 * back, so that the job fails naming the record, not only the batch.
 *
 * Thread: the sink subtask's worker thread.
 */
import type { Client } from 'pg';
import { ConnectorRecordError, ConnectorUnavailableError } from '../connector-errors.ts';
import { connectPostgres, insertStatement, isDataError } from './pg-connection.ts';
import { postgresAddress, type RowOptions } from './postgres-options.ts';

/** A row ready to write, with its record for error messages. */
export interface PendingRow {
  readonly record: unknown;
  readonly values: readonly unknown[];
}

const MAX_PARAMETERS = 65535;

export class RowWriter<T> {
  readonly #options: RowOptions<T>;
  readonly #connector: string;
  readonly address: string;
  /** Rows per statement. */
  readonly batchRows: number;

  constructor(options: RowOptions<T>, connector: string) {
    this.#options = options;
    this.#connector = connector;
    this.address = postgresAddress(options);
    const byParameters = Math.floor(MAX_PARAMETERS / Math.max(1, options.columns.length));
    this.batchRows = Math.max(1, Math.min(options.batchRows ?? 500, byParameters));
  }

  /** The row of `record`; throws {@link ConnectorRecordError} when it has the wrong shape. */
  toRow(record: unknown): PendingRow {
    const { columns, row } = this.#options;
    const given = row ? row(record as T) : record;
    let values: readonly unknown[];
    if (Array.isArray(given)) values = given;
    else if (typeof given === 'object' && given !== null)
      values = columns.map((c) => (given as Record<string, unknown>)[c] ?? null);
    else throw this.refuse(record, 'the row is neither a list of values nor an object');
    if (values.length !== columns.length)
      throw this.refuse(record, `the row has ${values.length} values for ${columns.length} columns`);
    return { record, values: values.map(toParameter) };
  }

  refuse(record: unknown, problem: string, cause?: unknown): ConnectorRecordError {
    return new ConnectorRecordError(this.#connector, this.address, record, problem, cause);
  }

  /** Writes `rows` through `client` in statements of {@link batchRows} rows. */
  async insert(client: Client, rows: readonly PendingRow[]): Promise<void> {
    for (let from = 0; from < rows.length; from += this.batchRows) {
      const chunk = this.#deduplicated(rows.slice(from, from + this.batchRows));
      const { table, columns, upsertKey } = this.#options;
      try {
        await client.query(
          insertStatement(table, columns, chunk.length, upsertKey),
          chunk.flatMap((r) => r.values),
        );
      } catch (error) {
        throw await this.explain(error, chunk, 'inserting');
      }
    }
  }

  /**
   * A typed error for what a query threw: for a data error, names the row of `rows` the table
   * refuses: the first that fails on its own (tried on a separate connection with every constraint
   * checked at once, rolled back), else the one whose key PostgreSQL's detail names (a duplicate
   * within the statement or transaction), else none (the message keeps PostgreSQL's detail).
   */
  async explain(error: unknown, rows: readonly PendingRow[], what: string): Promise<Error> {
    if (error instanceof ConnectorRecordError || error instanceof ConnectorUnavailableError) return error;
    if (!isDataError(error)) return new ConnectorUnavailableError(this.#connector, this.address, what, error);
    const culprit = await this.#culprit(rows).catch(() => undefined);
    if (culprit !== undefined) return this.refuse(culprit.row.record, culprit.message, error);
    const detail = (error as { detail?: unknown }).detail;
    const named = typeof detail === 'string' ? this.#byDetail(rows, detail) : undefined;
    const problem = `${(error as Error).message}${typeof detail === 'string' ? ` (${detail})` : ''}`;
    return this.refuse(
      named?.record ?? (rows.length === 1 ? rows[0]!.record : `one of ${rows.length} rows`),
      problem,
      error,
    );
  }

  async #culprit(rows: readonly PendingRow[]): Promise<{ row: PendingRow; message: string } | undefined> {
    if (rows.length === 0) return undefined;
    const client = await connectPostgres(this.#options, this.#connector, () => {});
    const { table, columns, upsertKey } = this.#options;
    try {
      for (const row of rows) {
        // Deferred constraints (checked at PREPARE) are checked at each statement here.
        await client.query('BEGIN; SET CONSTRAINTS ALL IMMEDIATE');
        try {
          await client.query(insertStatement(table, columns, 1, upsertKey), [...row.values]);
        } catch (error) {
          return { row, message: (error as Error).message };
        } finally {
          await client.query('ROLLBACK');
        }
      }
      return undefined;
    } finally {
      await client.end();
    }
  }

  /** The last of `rows` whose values PostgreSQL's `Key (a, b)=(1, x) ...` detail names. */
  #byDetail(rows: readonly PendingRow[], detail: string): PendingRow | undefined {
    const match = /^Key \((.+?)\)=\((.*)\)/.exec(detail);
    if (match === null) return undefined;
    const names = match[1]!.split(', ').map((n) => n.replace(/^"|"$/g, ''));
    const indices = names.map((n) => this.#options.columns.indexOf(n));
    if (indices.some((i) => i < 0)) return undefined;
    const key = match[2]!;
    return rows.findLast((row) => indices.map((i) => String(row.values[i])).join(', ') === key);
  }

  /** Upserts: one row per key in a statement (PostgreSQL refuses to update a row twice), the last. */
  #deduplicated(rows: readonly PendingRow[]): readonly PendingRow[] {
    const key = this.#options.upsertKey;
    if (key === undefined || key.length === 0) return rows;
    const indices = key.map((k) => this.#options.columns.indexOf(k));
    const last = new Map<string, PendingRow>();
    for (const row of rows) {
      const id = JSON.stringify(indices.map((i) => row.values[i]));
      last.delete(id);
      last.set(id, row);
    }
    return [...last.values()];
  }
}

/** A value pg can send: bigints as their decimal text, others as pg converts them. */
function toParameter(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value === undefined ? null : value;
}
