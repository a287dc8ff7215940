/**
 * One Redis connection of a subtask, through ioredis (loaded on demand). Connections never
 * reconnect by themselves and queue nothing while down: a server that goes away fails the
 * connector's pending and next commands, so the job fails and its restart strategy applies, and
 * the restored job reconnects. Credentials come from the options or from `REDIS_URL` /
 * `REDIS_PASSWORD` and never appear in errors, which name the address only.
 *
 * Thread: the subtask's worker thread.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { commonJsExports, loadClient } from '../client-loader.ts';
import { ConnectorUnavailableError } from '../connector-errors.ts';
import { type RedisConnectionOptions, redisAddress } from './redis-options.ts';

function clientOptions(options: RedisConnectionOptions): RedisOptions {
  const url = new URL(options.url ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  const db = Number(url.pathname.slice(1) || '0');
  const username = options.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password =
    options.password ?? (url.password ? decodeURIComponent(url.password) : process.env['REDIS_PASSWORD']);
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || '6379'),
    db,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    connectTimeout: options.connectTimeoutMs ?? 5000,
    ...(options.clientName !== undefined ? { connectionName: options.clientName } : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: true,
  };
}

/** A connected client; rejects with {@link ConnectorUnavailableError} naming `connector` and the address. */
export async function connectRedis(options: RedisConnectionOptions, connector: string): Promise<Redis> {
  const ioredis = commonJsExports<{ Redis: new (options: RedisOptions) => Redis }>(
    await loadClient('ioredis', `The ${connector}`, () => import('ioredis')),
  );
  const client = new ioredis.Redis(clientOptions(options));
  // Errors reach the commands that fail; the client's own error events are not the job's.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new ConnectorUnavailableError(connector, redisAddress(options), 'connecting', error);
  }
  return client;
}
