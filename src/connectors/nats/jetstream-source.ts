/**
 * The NATS JetStream source: one split per subject of a stream, spread over the subtasks; a
 * split's state is the stream sequence of the last message emitted (`after`), so a restore replays
 * exactly what followed the checkpoint. Each split is read by an ordered consumer (ephemeral,
 * filtered on its subject, starting at `after + 1`) whose messages a background loop queues; a
 * fetch takes what is queued, waiting at most `blockMs` for the first message. Bounded reads stop
 * at the subject's last sequence when first read (or a given sequence, if lower): `end`, kept in
 * the state.
 *
 * Thread: the source subtask's worker thread (see async-split-reader.ts).
 */
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { SourceFactory } from '../../operators/operator.ts';
import { ConnectorUnavailableError } from '../connector-errors.ts';
import { AsyncSplitReader, type FetchResult, type SplitFetcher } from '../source/async-split-reader.ts';
import { connectJetStream, type JetStreamConnection } from './nats-connection.ts';
import { type NatsConnectionOptions, natsAddress } from './nats-options.ts';

/** One message, as the source emits it. */
export interface JetStreamMessage {
  readonly subject: string;
  /** The stream sequence. */
  readonly sequence: number;
  /** Milliseconds since the epoch when the stream stored it (for event time). */
  readonly timestamp: number;
  /** The payload as UTF-8 text. */
  readonly data: string;
}

/** Options of the JetStream source. */
export interface JetStreamSourceOptions extends NatsConnectionOptions {
  /** The JetStream stream. */
  readonly stream: string;
  /** Its subjects to read, each a split (no wildcards). */
  readonly subjects: readonly string[];
  /** `earliest` (default), `latest` (messages stored after the first read), or a sequence to start after. */
  readonly start?: 'earliest' | 'latest' | number;
  /** `true`: up to each subject's last message when first read; a sequence: up to it; default unbounded. */
  readonly bounded?: boolean | number;
  /** Milliseconds a fetch waits for a first message (default 100). */
  readonly blockMs?: number;
}

/** What remains of one subject (plain data, in checkpoints). */
export interface JetStreamSplit {
  readonly subject: string;
  /** Stream sequence of the last message emitted (0: from the start; -1: `latest`, unresolved). */
  readonly after: number;
  /** Bounded: the last sequence to read (-1: unresolved); `null`: unbounded. */
  readonly end: number | null;
}

const CONNECTOR = 'jetstream source';
const UNRESOLVED = -1;
const QUEUED = 512;

/** An ordered consumer of one subject and the messages it delivered, not yet taken. */
class SubjectReader {
  readonly queue: JsMsg[] = [];
  /** The sequence after which the next queued message comes. */
  after: number;
  #messages: ConsumerMessages | undefined;
  #wake: (() => void) | undefined;

  constructor(after: number) {
    this.after = after;
  }

  async open(connection: JetStreamConnection, stream: string, subject: string): Promise<void> {
    const consumer = await connection.js.consumers.get(stream, {
      filter_subjects: subject,
      ...(this.after === 0
        ? { deliver_policy: 'all' }
        : { deliver_policy: 'by_start_sequence', opt_start_seq: this.after + 1 }),
    });
    const messages = await consumer.consume({ max_messages: QUEUED });
    this.#messages = messages;
    void (async () => {
      for await (const message of messages) {
        this.queue.push(message);
        this.#wake?.();
      }
    })().catch(() => {});
  }

  /** Resolves when a message is queued (or at once if one is). */
  ready(): Promise<void> {
    if (this.queue.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  async close(): Promise<void> {
    this.#wake?.();
    await this.#messages?.close().catch(() => {});
  }
}

class JetStreamFetcher implements SplitFetcher<JetStreamSplit> {
  readonly #options: JetStreamSourceOptions;
  #connection: Promise<JetStreamConnection> | undefined;
  readonly #readers = new Map<string, SubjectReader>();
  readonly #decoder = new TextDecoder();

  constructor(options: JetStreamSourceOptions) {
    this.#options = options;
  }

  key(split: JetStreamSplit): string {
    return split.subject;
  }

  async fetch(splits: readonly JetStreamSplit[], max: number): Promise<FetchResult<JetStreamSplit>> {
    this.#connection ??= connectJetStream(this.#options, CONNECTOR);
    const connection = await this.#connection;
    try {
      if (splits.some((s) => s.after === UNRESOLVED || s.end === UNRESOLVED))
        return await this.#resolve(connection, splits);
      return await this.#read(connection, splits, max);
    } catch (error) {
      throw new ConnectorUnavailableError(CONNECTOR, natsAddress(this.#options), 'reading', error);
    }
  }

  /** `latest` starts after the stream's last sequence; a bounded end is the subject's last (0: none). */
  async #resolve(
    connection: JetStreamConnection,
    splits: readonly JetStreamSplit[],
  ): Promise<FetchResult<JetStreamSplit>> {
    const { stream } = this.#options;
    const info = await connection.jsm.streams.info(stream);
    const positions: JetStreamSplit[] = [];
    const ended: string[] = [];
    for (const split of splits) {
      const after = split.after === UNRESOLVED ? info.state.last_seq : split.after;
      let end = split.end;
      if (end === UNRESOLVED) {
        const last = await connection.jsm.streams.getMessage(stream, { last_by_subj: split.subject }).then(
          (m) => m?.seq ?? 0,
          () => 0,
        );
        const bound = this.#options.bounded;
        end = typeof bound === 'number' ? Math.min(bound, last) : last;
      }
      positions.push({ subject: split.subject, after, end });
      if (end !== null && after >= end) ended.push(split.subject);
    }
    return { records: [], positions, ended };
  }

  async #read(
    connection: JetStreamConnection,
    splits: readonly JetStreamSplit[],
    max: number,
  ): Promise<FetchResult<JetStreamSplit>> {
    const readers: Array<[JetStreamSplit, SubjectReader]> = [];
    for (const split of splits) {
      let reader = this.#readers.get(split.subject);
      if (reader === undefined || reader.after !== split.after) {
        await reader?.close();
        reader = new SubjectReader(split.after);
        this.#readers.set(split.subject, reader);
        await reader.open(connection, this.#options.stream, split.subject);
      }
      readers.push([split, reader]);
    }
    if (readers.every(([, r]) => r.queue.length === 0)) {
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#options.blockMs ?? 100);
      });
      await Promise.race([waited, ...readers.map(([, r]) => r.ready())]);
      clearTimeout(timer);
    }
    const records: Array<{ record: unknown; split: JetStreamSplit }> = [];
    const ended: string[] = [];
    const count = Math.max(1, Math.floor(max / readers.length));
    for (const [split, reader] of readers) {
      let position = split;
      for (const message of reader.queue.splice(0, count)) {
        if (position.end !== null && message.seq > position.end) break;
        position = { ...position, after: message.seq };
        reader.after = message.seq;
        records.push({
          record: {
            subject: message.subject,
            sequence: message.seq,
            timestamp: Math.floor(Number(message.info.timestampNanos) / 1e6),
            data: this.#decoder.decode(message.data),
          } satisfies JetStreamMessage,
          split: position,
        });
      }
      if (position.end !== null && position.after >= position.end) ended.push(split.subject);
    }
    return { records, ended };
  }

  async close(): Promise<void> {
    for (const reader of this.#readers.values()) await reader.close();
    this.#readers.clear();
    const connection = this.#connection;
    this.#connection = undefined;
    await (await connection?.catch(() => undefined))?.connection.close().catch(() => {});
  }
}

/** The initial splits of `options`: one per subject. */
export function jetStreamSplits(options: JetStreamSourceOptions): JetStreamSplit[] {
  const start = options.start ?? 'earliest';
  const after = start === 'earliest' ? 0 : start === 'latest' ? UNRESOLVED : start;
  const bounded = options.bounded ?? false;
  // A given bound is resolved too: no subject ends after its own last message.
  const end = bounded === false ? null : UNRESOLVED;
  return [...new Set(options.subjects)].map((subject) => ({ subject, after, end }));
}

/** The source factory; a restored split of an unbounded run takes this job's bound. */
export function jetStreamSource(options: JetStreamSourceOptions): SourceFactory {
  const initial = jetStreamSplits(options);
  const end = initial[0]?.end ?? null;
  return (context) =>
    new AsyncSplitReader(
      new JetStreamFetcher(options),
      initial,
      context.subtaskIndex,
      context.parallelism,
      (split) => (split.end === null ? { ...split, end } : split),
    );
}
