/**
 * The Redis Streams sink on the staged-commit machinery (sink/staged-commit-sink.ts): a record
 * becomes a stream entry (`XADD <stream> * field value ...`) when it arrives (checked then), the
 * entries of a checkpoint are staged in its operator state, and the batch is written when the
 * checkpoint completes in one `MULTI`/`EXEC` together with a commit marker key naming the batch
 * (operator, subtask, checkpoint, token). The marker and the target streams are `WATCH`ed and the
 * marker checked first, so a batch committed before a failure is skipped when the restored job
 * commits it again, and the streams' types are checked before `MULTI` (Redis does not roll back a
 * transaction whose command fails at run time, so nothing may fail inside it).
 *
 * Thread: the sink subtask's worker thread.
 */
import type { Redis } from 'ioredis';
import type { OperatorFactory } from '../../operators/operator.ts';
import { ConnectorRecordError, ConnectorUnavailableError } from '../connector-errors.ts';
import {
  type SinkGuarantee,
  type StagedBatch,
  type StagedCommitter,
  stagedCommitSink,
} from '../sink/staged-commit-sink.ts';
import { connectRedis } from './redis-connection.ts';
import { type RedisConnectionOptions, redisAddress } from './redis-options.ts';

/** The fields of an entry: values are written as strings (numbers as their decimal form). */
export type RedisEntryFields = Readonly<Record<string, string | number>>;

/** Options of the Redis Streams sink. */
export interface RedisStreamSinkOptions<T> extends RedisConnectionOptions {
  /** The stream key, or a function of the record choosing it. */
  readonly stream: string | ((record: T) => string);
  /**
   * The entry's fields; default: a plain object's own fields, strings as they are and other
   * values as JSON.
   */
  readonly fields?: (record: T) => RedisEntryFields;
  /** `exactly-once` (default; needs periodic checkpoints) or `at-least-once` (written at once). */
  readonly guarantee?: SinkGuarantee;
  /** Prefix of the commit marker keys (default `weir:commit`). */
  readonly markerPrefix?: string;
  /** Seconds a commit marker is kept (default 7 days): longer than any restore may take. */
  readonly markerTtlSeconds?: number;
  /** Largest entry, in bytes of field names and values (default 512 MiB, Redis's bulk limit). */
  readonly maxEntryBytes?: number;
}

/** An entry: the stream key and the flat field list (plain data, in checkpoints). */
type Entry = readonly [stream: string, fields: readonly string[]];

const CONNECTOR = 'redis stream sink';
/** Times a commit is tried again when a watched key changed under it. */
const MAX_WATCH_RETRIES = 16;

class RedisStreamCommitter<T> implements StagedCommitter<Entry> {
  readonly #options: RedisStreamSinkOptions<T>;
  readonly #address: string;
  #client: Redis | undefined;

  constructor(options: RedisStreamSinkOptions<T>) {
    this.#options = options;
    this.#address = redisAddress(options);
  }

  async open(): Promise<void> {
    this.#client = await connectRedis(this.#options, CONNECTOR);
  }

  toEntry(record: unknown): Entry {
    const options = this.#options;
    const stream = typeof options.stream === 'string' ? options.stream : options.stream(record as T);
    if (typeof stream !== 'string' || stream.length === 0)
      throw this.#refuse(record, `the stream key is ${JSON.stringify(stream)}, not a non-empty string`);
    const fields = options.fields ? options.fields(record as T) : defaultFields(record);
    const flat: string[] = [];
    let bytes = 0;
    for (const [name, value] of Object.entries(fields ?? {})) {
      const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
      if (text === undefined) throw this.#refuse(record, `field ${name} is neither a string nor a number`);
      flat.push(name, text);
      bytes += Buffer.byteLength(name) + Buffer.byteLength(text);
    }
    if (flat.length === 0) throw this.#refuse(record, 'a stream entry needs at least one field');
    const max = options.maxEntryBytes ?? 512 * 1024 * 1024;
    if (bytes > max)
      throw this.#refuse(record, `the entry has ${bytes} bytes, more than maxEntryBytes (${max})`);
    return [stream, flat];
  }

  #refuse(record: unknown, problem: string): ConnectorRecordError {
    return new ConnectorRecordError(CONNECTOR, this.#address, record, problem);
  }

  async commit(batch: StagedBatch<Entry>): Promise<void> {
    const client = this.#client!;
    const { id } = batch;
    const marker = `${this.#options.markerPrefix ?? 'weir:commit'}:${id.operatorUid}:${id.subtask}:${id.checkpointId}:${id.token}`;
    const streams = [...new Set(batch.entries.map(([stream]) => stream))];
    for (let attempt = 0; attempt < MAX_WATCH_RETRIES; attempt++) {
      const done = await this.#call('committing', async () => {
        await client.watch(marker, ...streams);
        if ((await client.exists(marker)) === 1) {
          await client.unwatch();
          return true;
        }
        for (const stream of streams) {
          const type = await client.type(stream);
          if (type !== 'stream' && type !== 'none') {
            await client.unwatch();
            const [, fields] = batch.entries.find(([s]) => s === stream)!;
            throw this.#refuse({ stream, fields }, `key ${stream} holds a ${type}, not a stream`);
          }
        }
        const multi = client.multi();
        for (const [stream, fields] of batch.entries) multi.xadd(stream, '*', ...fields);
        multi.set(marker, '1', 'EX', this.#options.markerTtlSeconds ?? 7 * 24 * 3600);
        const results = await multi.exec();
        if (results === null) return false; // a watched key changed: try again
        const failed = results.findIndex(([error]) => error !== null);
        if (failed >= 0) throw this.#refuse(batch.entries[failed], String(results[failed]![0]));
        return true;
      });
      if (done) return;
    }
    throw new ConnectorUnavailableError(CONNECTOR, this.#address, 'committing', 'watched keys kept changing');
  }

  async write(entries: readonly Entry[]): Promise<void> {
    const client = this.#client!;
    await this.#call('writing', async () => {
      const pipeline = client.pipeline();
      for (const [stream, fields] of entries) pipeline.xadd(stream, '*', ...fields);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.findIndex(([error]) => error !== null);
      if (failed >= 0) throw this.#refuse(entries[failed], String(results[failed]![0]));
    });
  }

  /** Runs `fn`; failures other than a refused record name the server. */
  async #call<R>(what: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ConnectorRecordError) throw error;
      throw new ConnectorUnavailableError(CONNECTOR, this.#address, what, error);
    }
  }

  async close(): Promise<void> {
    this.#client?.disconnect();
    this.#client = undefined;
  }
}

function defaultFields(record: unknown): RedisEntryFields {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { value: render(record) };
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) fields[name] = render(value);
  return fields;
}

function render(value: unknown): string {
  return typeof value === 'string'
    ? value
    : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
}

/** The sink operator factory (see the module doc). */
export function redisStreamSink<T>(options: RedisStreamSinkOptions<T>): OperatorFactory {
  return stagedCommitSink(() => new RedisStreamCommitter(options), options.guarantee ?? 'exactly-once');
}
