/**
 * Validation of the connectors' options at the API boundary (main thread and workers alike, when
 * the job is declared): each error names the option as the user wrote it, e.g.
 * `fromRedisStream streams must be a non-empty list of non-empty strings, got []`.
 */
import { InvalidOptionError } from '../errors.ts';
import type { JetStreamSinkOptions } from './nats/jetstream-sink.ts';
import type { JetStreamSourceOptions } from './nats/jetstream-source.ts';
import type { PostgresSourceOptions } from './postgres/postgres-options.ts';
import type { PostgresSinkOptions } from './postgres/postgres-sink.ts';
import type { RedisStreamSinkOptions } from './redis/redis-stream-sink.ts';
import type { RedisStreamSourceOptions } from './redis/redis-stream-source.ts';
import { isStreamId } from './redis/stream-ids.ts';

function requireObject(method: string, options: unknown): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError(`${method} options`, 'an object', options);
}

function optional(method: string, name: string, value: unknown, ok: boolean, expected: string): void {
  if (value !== undefined && !ok) throw new InvalidOptionError(`${method} ${name}`, expected, value);
}

function stringList(method: string, name: string, value: unknown, allowEmpty = false): void {
  const ok =
    Array.isArray(value) &&
    (allowEmpty || value.length > 0) &&
    value.every((v) => typeof v === 'string' && v.length > 0);
  if (!ok) throw new InvalidOptionError(`${method} ${name}`, 'a non-empty list of non-empty strings', value);
}

function positiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function guarantee(method: string, value: unknown): void {
  optional(
    method,
    'guarantee',
    value,
    value === 'exactly-once' || value === 'at-least-once',
    "'exactly-once' or 'at-least-once'",
  );
}

export function checkRedisSourceOptions(method: string, options: RedisStreamSourceOptions): void {
  requireObject(method, options);
  stringList(method, 'streams', options.streams);
  const { start, bounded, blockMs, consumerGroup } = options;
  optional(
    method,
    'consumerGroup',
    consumerGroup,
    typeof consumerGroup === 'string' && consumerGroup.length > 0,
    'a non-empty string',
  );
  optional(
    method,
    'start',
    start,
    start === 'earliest' || start === 'latest' || (typeof start === 'string' && isStreamId(start)),
    "'earliest', 'latest' or an entry id <ms>-<seq>",
  );
  optional(
    method,
    'bounded',
    bounded,
    typeof bounded === 'boolean' || (typeof bounded === 'string' && isStreamId(bounded)),
    'a boolean or an entry id <ms>-<seq>',
  );
  optional(
    method,
    'blockMs',
    blockMs,
    positiveInteger(blockMs) && (blockMs as number) <= 1000,
    'an integer from 1 to 1000',
  );
}

export function checkRedisSinkOptions(method: string, options: RedisStreamSinkOptions<never>): void {
  requireObject(method, options);
  const { stream, fields, markerTtlSeconds, maxEntryBytes } = options;
  if (!((typeof stream === 'string' && stream.length > 0) || typeof stream === 'function'))
    throw new InvalidOptionError(`${method} stream`, 'a non-empty string or a function', stream);
  optional(method, 'fields', fields, typeof fields === 'function', 'a function');
  guarantee(method, options.guarantee);
  optional(
    method,
    'markerTtlSeconds',
    markerTtlSeconds,
    positiveInteger(markerTtlSeconds),
    'a positive integer',
  );
  optional(method, 'maxEntryBytes', maxEntryBytes, positiveInteger(maxEntryBytes), 'a positive integer');
}

export function checkPostgresSinkOptions(method: string, options: PostgresSinkOptions<never>): void {
  requireObject(method, options);
  const { table, columns, upsertKey, row, batchRows, transactionPrefix } = options;
  if (typeof table !== 'string' || table.length === 0)
    throw new InvalidOptionError(`${method} table`, 'a non-empty string', table);
  stringList(method, 'columns', columns);
  if (upsertKey !== undefined) {
    stringList(method, 'upsertKey', upsertKey);
    for (const key of upsertKey)
      if (!columns.includes(key))
        throw new InvalidOptionError(`${method} upsertKey`, 'columns listed in columns', upsertKey);
  }
  optional(method, 'row', row, typeof row === 'function', 'a function');
  optional(method, 'batchRows', batchRows, positiveInteger(batchRows), 'a positive integer');
  guarantee(method, options.guarantee);
  optional(
    method,
    'transactionPrefix',
    transactionPrefix,
    typeof transactionPrefix === 'string' && /^[A-Za-z0-9_]{1,120}$/.test(transactionPrefix),
    'letters, digits and _ (at most 120)',
  );
}

export function checkJetStreamSourceOptions(method: string, options: JetStreamSourceOptions): void {
  requireObject(method, options);
  if (typeof options.stream !== 'string' || options.stream.length === 0)
    throw new InvalidOptionError(`${method} stream`, 'a non-empty string', options.stream);
  stringList(method, 'subjects', options.subjects);
  if (options.subjects.some((s) => /[*>\s]/.test(s)))
    throw new InvalidOptionError(
      `${method} subjects`,
      'subjects without wildcards or spaces',
      options.subjects,
    );
  const { start, bounded, blockMs } = options;
  optional(
    method,
    'start',
    start,
    start === 'earliest' || start === 'latest' || (Number.isSafeInteger(start) && (start as number) >= 0),
    "'earliest', 'latest' or a sequence ≥ 0",
  );
  optional(
    method,
    'bounded',
    bounded,
    typeof bounded === 'boolean' || positiveInteger(bounded),
    'a boolean or a sequence ≥ 1',
  );
  optional(
    method,
    'blockMs',
    blockMs,
    positiveInteger(blockMs) && (blockMs as number) <= 1000,
    'an integer from 1 to 1000',
  );
}

export function checkJetStreamSinkOptions(method: string, options: JetStreamSinkOptions<never>): void {
  requireObject(method, options);
  const { subject, data } = options;
  if (!((typeof subject === 'string' && subject.length > 0) || typeof subject === 'function'))
    throw new InvalidOptionError(`${method} subject`, 'a non-empty string or a function', subject);
  optional(method, 'data', data, typeof data === 'function', 'a function');
  guarantee(method, options.guarantee);
}

export function checkPostgresSourceOptions(method: string, options: PostgresSourceOptions): void {
  requireObject(method, options);
  const { table, query, keyColumn, splits, keyRange, fetchRows } = options;
  if ((table === undefined) === (query === undefined))
    throw new InvalidOptionError(`${method} table or query`, 'exactly one of them', { table, query });
  optional(method, 'table', table, typeof table === 'string' && table.length > 0, 'a non-empty string');
  optional(method, 'query', query, typeof query === 'string' && query.length > 0, 'a non-empty string');
  if (typeof keyColumn !== 'string' || keyColumn.length === 0)
    throw new InvalidOptionError(`${method} keyColumn`, 'a non-empty string', keyColumn);
  optional(method, 'splits', splits, positiveInteger(splits), 'a positive integer');
  optional(method, 'fetchRows', fetchRows, positiveInteger(fetchRows), 'a positive integer');
  const integer = (v: unknown): boolean => typeof v === 'bigint' || Number.isSafeInteger(v);
  optional(
    method,
    'keyRange',
    keyRange,
    Array.isArray(keyRange) &&
      keyRange.length === 2 &&
      keyRange.every(integer) &&
      BigInt(keyRange[0]) <= BigInt(keyRange[1]),
    'two integers [from, to] with from ≤ to',
  );
}
