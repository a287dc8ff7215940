/**
 * Where a Redis connector connects, and its address for messages. Apart from the connection
 * itself (redis-connection.ts) so that the public option types name no client type: the package's
 * declarations type-check without ioredis installed.
 */

/** Where a Redis connector connects; every field optional. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]`; default: `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  readonly url?: string;
  readonly username?: string;
  /** Default: the URL's, else `REDIS_PASSWORD`. */
  readonly password?: string;
  /** Milliseconds to wait for the connection (default 5000). */
  readonly connectTimeoutMs?: number;
  /** The connections' name (`CLIENT SETNAME`), to find them in `CLIENT LIST`. */
  readonly clientName?: string;
}

/** The address of `options`, for messages: `host:port`, never credentials. */
export function redisAddress(options: RedisConnectionOptions): string {
  const url = new URL(options.url ?? process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  return `${url.hostname || '127.0.0.1'}:${url.port || '6379'}`;
}
