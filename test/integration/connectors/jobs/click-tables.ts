// The tables the Redis → keyed count → PostgreSQL tests write: every update, and the total per user.
import type pg from 'pg';

/** Both tables of one run, as `user count` lines in key order. */
export interface ClickTables {
  readonly updates: string[];
  readonly totals: string[];
}

/** Creates `schema` with its `updates` and `totals` tables. */
export async function createClickTables(postgres: pg.Client, schema: string): Promise<void> {
  await postgres.query(`CREATE SCHEMA "${schema}"`);
  await postgres.query(`CREATE TABLE "${schema}".updates (user_id text NOT NULL, count int NOT NULL)`);
  await postgres.query(`CREATE TABLE "${schema}".totals (user_id text PRIMARY KEY, count int NOT NULL)`);
}

/** Reads both tables of `schema`. */
export async function readClickTables(postgres: pg.Client, schema: string): Promise<ClickTables> {
  const updates = await postgres.query(
    `SELECT user_id, count FROM "${schema}".updates ORDER BY user_id, count`,
  );
  const totals = await postgres.query(`SELECT user_id, count FROM "${schema}".totals ORDER BY user_id`);
  const line = (r: { user_id: string; count: number }): string => `${r.user_id} ${r.count}`;
  return { updates: updates.rows.map(line), totals: totals.rows.map(line) };
}
