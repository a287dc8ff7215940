/**
 * The NATS JetStream sink on the staged-commit machinery (sink/staged-commit-sink.ts): a record
 * becomes a message (subject and payload) when it arrives, the messages of a checkpoint are staged
 * in its operator state, and when the checkpoint completes they are published, each with the
 * message id `<uid>:<subtask>:<checkpoint>:<token>:<index>` and awaiting every acknowledgement.
 * JetStream drops a message whose id it saw within the stream's duplicate window (default two
 * minutes), so the restored job's repeated commit of a batch, whole or partly published before a
 * failure, adds nothing, provided it comes within that window: the restart delay and recovery
 * must stay well under it (raise `duplicate_window` on the stream otherwise).
 *
 * Thread: the sink subtask's worker thread.
 */
import type { OperatorFactory } from '../../operators/operator.ts';
import { ConnectorRecordError, ConnectorUnavailableError } from '../connector-errors.ts';
import {
  type SinkGuarantee,
  type StagedBatch,
  type StagedCommitter,
  stagedCommitSink,
} from '../sink/staged-commit-sink.ts';
import { connectJetStream, type JetStreamConnection } from './nats-connection.ts';
import { type NatsConnectionOptions, natsAddress } from './nats-options.ts';

/** Options of the JetStream sink. */
export interface JetStreamSinkOptions<T> extends NatsConnectionOptions {
  /** The subject (captured by a JetStream stream), or a function of the record choosing it. */
  readonly subject: string | ((record: T) => string);
  /** The payload; default: strings as they are, other records as JSON. */
  readonly data?: (record: T) => string | Uint8Array;
  /** `exactly-once` (default; needs periodic checkpoints) or `at-least-once`. */
  readonly guarantee?: SinkGuarantee;
}

/** A message: subject and payload (plain data, in checkpoints). */
type Message = readonly [subject: string, data: Uint8Array];

const CONNECTOR = 'jetstream sink';
/** Publications awaited together. */
const IN_FLIGHT = 256;

class JetStreamCommitter<T> implements StagedCommitter<Message> {
  readonly #options: JetStreamSinkOptions<T>;
  readonly #address: string;
  #connection: JetStreamConnection | undefined;
  readonly #encoder = new TextEncoder();

  constructor(options: JetStreamSinkOptions<T>) {
    this.#options = options;
    this.#address = natsAddress(options);
  }

  async open(): Promise<void> {
    this.#connection = await connectJetStream(this.#options, CONNECTOR);
  }

  toEntry(record: unknown): Message {
    const { subject, data } = this.#options;
    const to = typeof subject === 'string' ? subject : subject(record as T);
    if (typeof to !== 'string' || to.length === 0 || /\s/.test(to))
      throw new ConnectorRecordError(
        CONNECTOR,
        this.#address,
        record,
        `the subject ${JSON.stringify(to)} is not valid`,
      );
    const payload = data ? data(record as T) : typeof record === 'string' ? record : JSON.stringify(record);
    const bytes = typeof payload === 'string' ? this.#encoder.encode(payload) : payload;
    const max = this.#connection?.connection.info?.max_payload;
    if (max !== undefined && bytes.length > max)
      throw new ConnectorRecordError(
        CONNECTOR,
        this.#address,
        record,
        `${bytes.length} bytes, more than the server's max_payload (${max})`,
      );
    return [to, bytes];
  }

  commit(batch: StagedBatch<Message>): Promise<void> {
    const { id } = batch;
    const prefix = `${id.operatorUid}:${id.subtask}:${id.checkpointId}:${id.token}`;
    return this.#publish(batch.entries, (i) => `${prefix}:${i}`);
  }

  write(entries: readonly Message[]): Promise<void> {
    return this.#publish(entries, undefined);
  }

  async #publish(
    entries: readonly Message[],
    messageId: ((index: number) => string) | undefined,
  ): Promise<void> {
    const { js } = this.#connection!;
    for (let from = 0; from < entries.length; from += IN_FLIGHT) {
      const acks = entries.slice(from, from + IN_FLIGHT).map(([subject, data], i) =>
        js.publish(subject, data, messageId ? { msgID: messageId(from + i) } : {}).catch((error: unknown) => {
          const code = (error as { code?: unknown }).code;
          // No stream captures the subject: the target cannot hold it.
          if (code === '503' || code === 503)
            throw new ConnectorRecordError(
              CONNECTOR,
              this.#address,
              { subject },
              'no JetStream stream captures the subject',
              error,
            );
          throw new ConnectorUnavailableError(CONNECTOR, this.#address, 'publishing', error);
        }),
      );
      await Promise.all(acks);
    }
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.connection.close().catch(() => {});
  }
}

/** The sink operator factory (see the module doc). */
export function jetStreamSink<T>(options: JetStreamSinkOptions<T>): OperatorFactory {
  return stagedCommitSink(() => new JetStreamCommitter(options), options.guarantee ?? 'exactly-once');
}
