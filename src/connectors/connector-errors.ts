/**
 * The errors of connectors to outside systems (Redis, PostgreSQL, NATS): a server that cannot be
 * reached or refuses the connector's work, and a record the target cannot hold. Both name the
 * connector and the address (never credentials); the second also names the record, so a poison
 * record fails the job visibly instead of being dropped.
 */
import { renderRecord, WeirError } from '../errors.ts';

/**
 * A server the connector needs does not answer, or fails a request (down at start, gone mid-job):
 * classified `external`, so the restart strategy applies and the job resumes from its checkpoint.
 */
export class ConnectorUnavailableError extends WeirError {
  /** The connector, e.g. `redis stream source`. */
  readonly connector: string;
  /** Where it connects, `host:port` (no user, no password). */
  readonly address: string;
  constructor(connector: string, address: string, what: string, cause: unknown) {
    super(
      'ERR_CONNECTOR_UNAVAILABLE',
      'external',
      `${connector} at ${address}: ${what} failed: ${messageOf(cause)}`,
      { cause },
    );
    this.connector = connector;
    this.address = address;
  }
}

/** A record the target cannot hold (a row the table refuses, an entry without fields, ...). */
export class ConnectorRecordError extends WeirError {
  readonly connector: string;
  readonly address: string;
  /** A short rendering of the record (JSON, cut to 120 characters). */
  readonly record: string;
  constructor(connector: string, address: string, record: unknown, problem: string, cause?: unknown) {
    const rendered = renderRecord(record);
    super(
      'ERR_CONNECTOR_RECORD',
      'user',
      `${connector} at ${address} cannot write record ${rendered}: ${problem}`,
      {
        cause,
      },
    );
    this.connector = connector;
    this.address = address;
    this.record = rendered;
  }
}

/** The message of what a client library threw (its errors are not always `Error`s). */
export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
