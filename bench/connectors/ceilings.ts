/**
 * The servers' own ceilings on this machine for the benchmark's record shape, measured by their
 * tools: `redis-benchmark` running `XADD <key> * user u1 n 1` (50 clients, no pipelining: the
 * tool's default), and `pgbench` running single-row autocommitted `INSERT`s of `(user_id, count, n)`
 * from 2 clients (pgbench's own shape of work: one statement, one commit).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Ceilings {
  readonly redisXaddPerSecond: number;
  readonly postgresInsertsPerSecond: number;
}

function run(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`${command} did not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} exited with ${result.status}: ${result.stderr}`);
  return result.stdout;
}

export function redisXaddCeiling(key: string, requests: number): number {
  const out = run('redis-benchmark', [
    '-q',
    '-n',
    String(requests),
    'XADD',
    key,
    '*',
    'user',
    'u1',
    'n',
    '1',
  ]);
  const match = /([\d.]+) requests per second/.exec(out);
  if (match === null) throw new Error(`redis-benchmark printed no rate: ${out}`);
  return Number(match[1]);
}

export function postgresInsertCeiling(
  postgres: { host: string; port: number; user: string; database: string },
  table: string,
  seconds: number,
  scratch: string,
): number {
  const script = join(scratch, 'insert.sql');
  writeFileSync(script, `INSERT INTO ${table} (user_id, count, n) VALUES ('u1', 1, 1);\n`);
  const out = run('pgbench', [
    '-n',
    '-c',
    '2',
    '-j',
    '2',
    '-T',
    String(seconds),
    '-f',
    script,
    '-h',
    postgres.host,
    '-p',
    String(postgres.port),
    '-U',
    postgres.user,
    postgres.database,
  ]);
  const match = /tps = ([\d.]+)/.exec(out);
  if (match === null) throw new Error(`pgbench printed no tps: ${out}`);
  return Number(match[1]);
}
