/**
 * The Redis Streams source: one split per stream key, spread over the subtasks; a split's state is
 * the id of the last entry emitted (`after`), so a restore rereads exactly what followed the
 * checkpoint. Unbounded splits are read with `XREAD ... BLOCK` of a short timeout (all of a
 * subtask's streams in one command); bounded ones (up to the ids current when the split is first
 * read, or a given id) with `XRANGE` and end there. A start of `$` (only new entries) is resolved to
 * the stream's last id on the first read, and that resolved position is what checkpoints keep.
 *
 * Thread: the source subtask's worker thread (reads run on its event loop, see
 * async-split-reader.ts).
 */
import type { Redis } from 'ioredis';
import type { SourceFactory } from '../../operators/operator.ts';
import { ConnectorUnavailableError } from '../connector-errors.ts';
import { AsyncSplitReader, type FetchResult, type SplitFetcher } from '../source/async-split-reader.ts';
import { connectRedis } from './redis-connection.ts';
import { type RedisConnectionOptions, redisAddress } from './redis-options.ts';
import { compareStreamIds, fieldsOf, timestampOf } from './stream-ids.ts';

/** One entry of a Redis stream, as the source emits it. */
export interface RedisStreamEntry {
  /** The stream key. */
  readonly stream: string;
  /** The entry id, `<ms>-<seq>`. */
  readonly id: string;
  /** Milliseconds since the epoch, from the id (the time Redis added the entry): for event time. */
  readonly timestamp: number;
  readonly fields: Record<string, string>;
}

/** Options of the Redis Streams source. */
export interface RedisStreamSourceOptions extends RedisConnectionOptions {
  /** The stream keys; each is a split. A restored job reads the streams its checkpoint holds. */
  readonly streams: readonly string[];
  /** `earliest` (default), `latest` (entries added after the first read), or an id to start after. */
  readonly start?: 'earliest' | 'latest' | string;
  /**
   * Bounded read: `true` up to the last entry when each stream is first read, or an id to stop at
   * (inclusive); default unbounded.
   */
  readonly bounded?: boolean | string;
  /** Milliseconds a read waits on the server for new entries (default 100). */
  readonly blockMs?: number;
  /**
   * A consumer group (created when missing) whose last delivered id is set to each stream's
   * position when a checkpoint completes (`XGROUP SETID`), for those who watch lag with
   * `XINFO GROUPS`. Informational: weir reads with `XREAD` and resumes from its checkpoints.
   */
  readonly consumerGroup?: string;
}

/** What remains of one stream (plain data, in checkpoints). */
export interface RedisStreamSplit {
  readonly stream: string;
  /** The last id emitted (`0-0`: from the start; `$`: not yet resolved). */
  readonly after: string;
  /** Bounded: the last id to read (`$`: not yet resolved); `null`: unbounded. */
  readonly end: string | null;
}

const CONNECTOR = 'redis stream source';
const UNRESOLVED = '$';

class RedisStreamFetcher implements SplitFetcher<RedisStreamSplit> {
  readonly #options: RedisStreamSourceOptions;
  #client: Promise<Redis> | undefined;
  /** The consumer group's connection: apart, so that a blocking read never delays it. */
  #groupClient: Promise<Redis> | undefined;
  readonly acknowledge: ((positions: readonly RedisStreamSplit[]) => Promise<void>) | undefined;

  constructor(options: RedisStreamSourceOptions) {
    this.#options = options;
    const group = options.consumerGroup;
    this.acknowledge = group === undefined ? undefined : (positions) => this.#setGroup(group, positions);
  }

  /** Sets `group`'s last delivered id of each stream to its position (creating the group if missing). */
  async #setGroup(group: string, positions: readonly RedisStreamSplit[]): Promise<void> {
    this.#groupClient ??= connectRedis(this.#options, CONNECTOR);
    const client = await this.#groupClient;
    try {
      for (const { stream, after } of positions) {
        if (after === UNRESOLVED) continue;
        try {
          await client.xgroup('SETID', stream, group, after);
        } catch (error) {
          if (!String((error as Error).message).startsWith('NOGROUP')) throw error;
          await client.xgroup('CREATE', stream, group, after, 'MKSTREAM');
        }
      }
    } catch (error) {
      throw new ConnectorUnavailableError(
        CONNECTOR,
        redisAddress(this.#options),
        'setting the consumer group',
        error,
      );
    }
  }

  key(split: RedisStreamSplit): string {
    return split.stream;
  }

  async fetch(splits: readonly RedisStreamSplit[], max: number): Promise<FetchResult<RedisStreamSplit>> {
    this.#client ??= connectRedis(this.#options, CONNECTOR);
    const client = await this.#client;
    try {
      if (splits.some((s) => s.after === UNRESOLVED || s.end === UNRESOLVED))
        return await this.#resolve(client, splits);
      if (splits.some((s) => s.end !== null)) return await this.#range(client, splits, max);
      return await this.#read(client, splits, max);
    } catch (error) {
      throw new ConnectorUnavailableError(CONNECTOR, redisAddress(this.#options), 'reading', error);
    }
  }

  /** Resolves `$` positions and ends to the streams' last ids (`0-0` for an empty stream). */
  async #resolve(client: Redis, splits: readonly RedisStreamSplit[]): Promise<FetchResult<RedisStreamSplit>> {
    const positions: RedisStreamSplit[] = [];
    const ended: string[] = [];
    for (const split of splits) {
      if (split.after !== UNRESOLVED && split.end !== UNRESOLVED) continue;
      const last = await client.xrevrange(split.stream, '+', '-', 'COUNT', 1);
      const lastId = last[0]?.[0] ?? '0-0';
      const after = split.after === UNRESOLVED ? lastId : split.after;
      const end = split.end === UNRESOLVED ? lastId : split.end;
      positions.push({ ...split, after, end });
      if (end !== null && compareStreamIds(after, end) >= 0) ended.push(split.stream);
    }
    return { records: [], positions, ended };
  }

  /** Bounded splits: the entries after each position up to its end. */
  async #range(
    client: Redis,
    splits: readonly RedisStreamSplit[],
    max: number,
  ): Promise<FetchResult<RedisStreamSplit>> {
    const records: Array<{ record: unknown; split: RedisStreamSplit }> = [];
    const ended: string[] = [];
    const count = Math.max(1, Math.floor(max / splits.length));
    for (const split of splits) {
      const end = split.end ?? '+';
      const entries = await client.xrange(split.stream, `(${split.after}`, end, 'COUNT', count);
      for (const [id, flat] of entries) records.push(entry(split, id, flat));
      const last = entries.at(-1)?.[0];
      if (entries.length < count || (last !== undefined && last === split.end)) ended.push(split.stream);
    }
    return { records, ended };
  }

  /** Unbounded splits: one `XREAD` over all of them, blocking briefly when none has new entries. */
  async #read(
    client: Redis,
    splits: readonly RedisStreamSplit[],
    max: number,
  ): Promise<FetchResult<RedisStreamSplit>> {
    const blockMs = this.#options.blockMs ?? 100;
    const byStream = new Map(splits.map((s) => [s.stream, s]));
    const reply = (await client.xread(
      'COUNT',
      Math.max(1, Math.floor(max / splits.length)),
      'BLOCK',
      blockMs,
      'STREAMS',
      ...splits.map((s) => s.stream),
      ...splits.map((s) => s.after),
    )) as Array<[string, Array<[string, string[]]>]> | null;
    const records: Array<{ record: unknown; split: RedisStreamSplit }> = [];
    for (const [stream, entries] of reply ?? []) {
      let split = byStream.get(stream)!;
      for (const [id, flat] of entries) {
        const next = entry(split, id, flat);
        split = next.split;
        records.push(next);
      }
    }
    return { records };
  }

  async close(): Promise<void> {
    const client = this.#client;
    const group = this.#groupClient;
    this.#client = this.#groupClient = undefined;
    if (group !== undefined) (await group.catch(() => undefined))?.disconnect();
    // Disconnecting also ends a blocking read in flight.
    if (client !== undefined) (await client.catch(() => undefined))?.disconnect();
  }
}

function entry(
  split: RedisStreamSplit,
  id: string,
  flat: string[],
): { record: RedisStreamEntry; split: RedisStreamSplit } {
  return {
    record: { stream: split.stream, id, timestamp: timestampOf(id), fields: fieldsOf(flat) },
    split: { ...split, after: id },
  };
}

/** The initial splits of `options`: one per stream. */
export function redisStreamSplits(options: RedisStreamSourceOptions): RedisStreamSplit[] {
  const start = options.start ?? 'earliest';
  const after = start === 'earliest' ? '0-0' : start === 'latest' ? UNRESOLVED : start;
  const bounded = options.bounded ?? false;
  const end = bounded === false ? null : bounded === true ? UNRESOLVED : bounded;
  return [...new Set(options.streams)].map((stream) => ({ stream, after, end }));
}

/**
 * The source factory (see the module doc). A restored split keeps its position, and its end if it
 * had one; a split of an unbounded run takes this job's bound (a savepoint of an unbounded job can
 * be resumed as a bounded catch-up).
 */
export function redisStreamSource(options: RedisStreamSourceOptions): SourceFactory {
  const initial = redisStreamSplits(options);
  const end = initial[0]?.end ?? null;
  return (context) =>
    new AsyncSplitReader(
      new RedisStreamFetcher(options),
      initial,
      context.subtaskIndex,
      context.parallelism,
      (split) => (split.end === null ? { ...split, end } : split),
    );
}
