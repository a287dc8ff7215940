/**
 * Where a NATS connector connects, and its address for messages; apart from the connection
 * (nats-connection.ts) so that the public option types name no client type.
 */

/** Where a NATS connector connects; every field optional. */
export interface NatsConnectionOptions {
  /** `host:port` or `nats://host:port`; default `NATS_URL`, else `127.0.0.1:4222`. */
  readonly server?: string;
  /** Default `NATS_USER`. */
  readonly user?: string;
  /** Default `NATS_PASSWORD`. */
  readonly password?: string;
  /** Default `NATS_TOKEN`. */
  readonly token?: string;
  /** Milliseconds to wait for the connection and for each request (default 5000). */
  readonly timeoutMs?: number;
}

/** The address of `options` for messages: `host:port`. */
export function natsAddress(options: NatsConnectionOptions): string {
  return (options.server ?? process.env['NATS_URL'] ?? '127.0.0.1:4222').replace(/^nats:\/\//, '');
}
