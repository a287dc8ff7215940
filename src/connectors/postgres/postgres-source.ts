/**
 * The bounded PostgreSQL source (for batch jobs, or a bounded input of a streaming one): the rows
 * of a table or a query, split into ranges of an integer key column, each read in key order in
 * pages of `fetchRows` (`WHERE key > $after AND key <= $to ORDER BY key LIMIT n`, one query per
 * page, so no transaction stays open while the job runs). A split's position is the last key
 * emitted: a checkpoint keeps it, and a restored job (at any parallelism: the splits are union
 * state, see async-split-reader.ts) reads exactly the rows after it. Without a given `keyRange`,
 * the range is the keys' minimum and maximum when the first split is read; the first and last
 * splits are open below and above, so no row inside the table's keys falls between splits.
 *
 * Exactly-once over a table that does not change while it is read: each page is its own
 * statement, not one snapshot.
 *
 * Thread: the source subtask's worker thread (reads run on its event loop).
 */
import type { Client } from 'pg';
import type { SourceFactory } from '../../operators/operator.ts';
import { ConnectorUnavailableError } from '../connector-errors.ts';
import { AsyncSplitReader, type FetchResult, type SplitFetcher } from '../source/async-split-reader.ts';
import { connectPostgres, quoteName } from './pg-connection.ts';
import {
  type PostgresKeyRangeSplit,
  type PostgresSourceOptions,
  postgresAddress,
} from './postgres-options.ts';

const CONNECTOR = 'postgres source';
const FETCH_ROWS = 1000;

type Split = PostgresKeyRangeSplit;

class PostgresRangeFetcher implements SplitFetcher<Split> {
  readonly #options: PostgresSourceOptions;
  readonly #from: string;
  #client: Promise<Client> | undefined;

  constructor(options: PostgresSourceOptions) {
    this.#options = options;
    this.#from = options.query !== undefined ? `(${options.query}) AS weir_rows` : quoteName(options.table!);
  }

  key(split: Split): string {
    return split.id;
  }

  async fetch(splits: readonly Split[], max: number): Promise<FetchResult<Split>> {
    this.#client ??= connectPostgres(this.#options, CONNECTOR, () => {});
    const client = await this.#client;
    try {
      if (splits.some((s) => !s.resolved)) return await this.#resolve(client, splits);
      // One split at a time, in key order: pages of the lowest one first.
      return await this.#page(client, splits[0]!, Math.min(max, this.#options.fetchRows ?? FETCH_ROWS));
    } catch (error) {
      throw new ConnectorUnavailableError(CONNECTOR, postgresAddress(this.#options), 'reading', error);
    }
  }

  /** Bounds of unresolved splits from the keys' minimum and maximum; an empty read ends them. */
  async #resolve(client: Client, splits: readonly Split[]): Promise<FetchResult<Split>> {
    const key = quoteName(this.#options.keyColumn);
    const { rows } = await client.query<{ lo: string | null; hi: string | null }>(
      `SELECT min(${key})::text AS lo, max(${key})::text AS hi FROM ${this.#from}`,
    );
    const { lo, hi } = rows[0] ?? { lo: null, hi: null };
    const positions: Split[] = [];
    const ended: string[] = [];
    for (const split of splits) {
      if (split.resolved) continue;
      if (lo === null || hi === null) ended.push(split.id);
      else positions.push(bounded(split, BigInt(lo), BigInt(hi)));
    }
    return { records: [], positions, ended };
  }

  async #page(client: Client, split: Split, limit: number): Promise<FetchResult<Split>> {
    const key = quoteName(this.#options.keyColumn);
    const where: string[] = [];
    const values: string[] = [];
    if (split.after !== null) where.push(`${key} > $${values.push(split.after)}`);
    if (split.to !== null) where.push(`${key} <= $${values.push(split.to)}`);
    const result = await client.query(
      `SELECT * FROM ${this.#from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${key} LIMIT ${limit}`,
      values,
    );
    const records: Array<{ record: unknown; split: Split }> = [];
    let position = split;
    for (const row of result.rows as Array<Record<string, unknown>>) {
      position = { ...position, after: String(row[this.#options.keyColumn]) };
      records.push({ record: row, split: position });
    }
    return { records, ...(result.rows.length < limit ? { ended: [split.id] } : {}) };
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await (await client.catch(() => undefined))?.end().catch(() => {});
  }
}

/** Split `index` of `count` over the keys `lo..hi`: open below for the first, above for the last. */
function bounded(split: Split, lo: bigint, hi: bigint): Split {
  const width = hi - lo + 1n;
  const { index, count } = split;
  const start = lo + (width * BigInt(index)) / BigInt(count);
  const end = lo + (width * BigInt(index + 1)) / BigInt(count) - 1n;
  return {
    ...split,
    after: index === 0 ? null : String(start - 1n),
    to: index === count - 1 ? null : String(end),
    resolved: true,
  };
}

/** The initial splits: `count` key ranges, bounded now if the options give the range. */
export function postgresKeyRanges(options: PostgresSourceOptions, count: number): Split[] {
  const digits = String(count).length;
  return Array.from({ length: count }, (_, index) => {
    const split: Split = {
      id: `${String(index).padStart(digits, '0')}/${count}`,
      index,
      count,
      after: null,
      to: null,
      resolved: false,
    };
    if (options.keyRange === undefined) return split;
    // A given range is exact at both ends.
    const [from, to] = options.keyRange;
    const range = bounded(split, BigInt(from), BigInt(to));
    return {
      ...range,
      after: range.after ?? String(BigInt(from) - 1n),
      to: range.to ?? String(BigInt(to)),
    };
  });
}

/** The source factory (see the module doc). */
export function postgresSource(options: PostgresSourceOptions): SourceFactory {
  return (context) =>
    new AsyncSplitReader(
      new PostgresRangeFetcher(options),
      postgresKeyRanges(options, options.splits ?? context.parallelism),
      context.subtaskIndex,
      context.parallelism,
    );
}
