/**
 * One NATS connection of a subtask with its JetStream contexts, through `@nats-io/transport-node`
 * and `@nats-io/jetstream` (loaded on demand). The connection does not reconnect: a server that
 * goes away fails the connector's next request, so the job fails and its restart strategy applies.
 * Credentials come from the options or from `NATS_USER` / `NATS_PASSWORD` / `NATS_TOKEN` and never
 * appear in errors, which name the address only.
 *
 * Thread: the subtask's worker thread.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadClient } from '../client-loader.ts';
import { ConnectorUnavailableError } from '../connector-errors.ts';
import { type NatsConnectionOptions, natsAddress } from './nats-options.ts';

/** A connection and its JetStream client and manager. */
export interface JetStreamConnection {
  readonly connection: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

/** A connected client; rejects with {@link ConnectorUnavailableError} naming `connector` and the address. */
export async function connectJetStream(
  options: NatsConnectionOptions,
  connector: string,
): Promise<JetStreamConnection> {
  const feature = `The ${connector}`;
  const transport = await loadClient<typeof import('@nats-io/transport-node')>(
    '@nats-io/transport-node',
    feature,
    () => import('@nats-io/transport-node'),
  );
  const jetstream = await loadClient<typeof import('@nats-io/jetstream')>(
    '@nats-io/jetstream',
    feature,
    () => import('@nats-io/jetstream'),
  );
  const user = options.user ?? process.env['NATS_USER'];
  const pass = options.password ?? process.env['NATS_PASSWORD'];
  const token = options.token ?? process.env['NATS_TOKEN'];
  const timeout = options.timeoutMs ?? 5000;
  let connection: NatsConnection;
  try {
    connection = await transport.connect({
      servers: natsAddress(options),
      reconnect: false,
      timeout,
      ...(user !== undefined ? { user } : {}),
      ...(pass !== undefined ? { pass } : {}),
      ...(token !== undefined ? { token } : {}),
    });
  } catch (error) {
    throw new ConnectorUnavailableError(connector, natsAddress(options), 'connecting', error);
  }
  try {
    const jsm = await jetstream.jetstreamManager(connection, { timeout });
    return { connection, js: jetstream.jetstream(connection, { timeout }), jsm };
  } catch (error) {
    await connection.close().catch(() => {});
    throw new ConnectorUnavailableError(connector, natsAddress(options), 'opening JetStream', error);
  }
}
