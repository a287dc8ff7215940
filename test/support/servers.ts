// The real servers the connector tests use, on loopback: a check that each answers (failing with
// one line naming the service, the address and the command that starts it), clients for the tests'
// own set-up and checks, and names that keep each test's keys, tables and streams apart.
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

export const REDIS_URL = 'redis://127.0.0.1:6379';
export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;

const START: Record<string, string> = {
  PostgreSQL:
    'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start (or bash scripts/services.sh)',
  Redis:
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log (or bash scripts/services.sh)',
  NATS: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log (or bash scripts/services.sh)',
};

/** Resolves when `service` accepts a TCP connection at host:port; else rejects with one line. */
export function requireServer(
  service: 'PostgreSQL' | 'Redis' | 'NATS',
  host: string,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(5000);
    const fail = (why: string): void => {
      socket.destroy();
      reject(
        new Error(`${service} does not answer at ${host}:${port} (${why}); start it: ${START[service]}`),
      );
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail('timed out'));
    socket.once('error', (error) => fail(error.message));
  });
}

/** A name unique to this test run: `<what>_<random>` (letters, digits, `_`). */
export function uniqueName(what: string): string {
  return `${what}_${randomBytes(4).toString('hex')}`;
}

/** A Redis client for a test's set-up and checks. */
export async function testRedis(): Promise<Redis> {
  await requireServer('Redis', '127.0.0.1', 6379);
  return new Redis(REDIS_URL);
}

/** Deletes every key under `prefix` (the test's own). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * Adds `count` entries `{ n }` round-robin over `streams` streams named `<base>:<i>`, n counted over
 * all of them; returns the stream keys.
 */
export async function fillRedisStreams(
  redis: Redis,
  base: string,
  streams: number,
  count: number,
): Promise<string[]> {
  const keys = Array.from({ length: streams }, (_, i) => `${base}:${i}`);
  const pipeline = redis.pipeline();
  for (let n = 0; n < count; n++) pipeline.xadd(keys[n % streams]!, '*', 'n', String(n));
  await pipeline.exec();
  return keys;
}

/** A PostgreSQL client for a test's set-up and checks. */
export async function testPostgres(): Promise<pg.Client> {
  await requireServer('PostgreSQL', POSTGRES.host, POSTGRES.port);
  const client = new pg.Client(POSTGRES);
  await client.connect();
  return client;
}

/** Drops `schema` with everything in it, after rolling back prepared transactions left in it. */
export async function dropSchema(client: pg.Client, schema: string, gidPrefix: string): Promise<void> {
  const { rows } = await client.query<{ gid: string }>(
    'SELECT gid FROM pg_prepared_xacts WHERE starts_with(gid, $1)',
    [gidPrefix],
  );
  for (const { gid } of rows) await client.query(`ROLLBACK PREPARED '${gid}'`);
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Prepared transactions whose id starts with `prefix`. */
export async function preparedTransactions(client: pg.Client, prefix: string): Promise<string[]> {
  const { rows } = await client.query<{ gid: string }>(
    'SELECT gid FROM pg_prepared_xacts WHERE starts_with(gid, $1) ORDER BY gid',
    [prefix],
  );
  return rows.map((r) => r.gid);
}

/** A JetStream manager for a test's set-up and checks (and the connection to close). */
export async function testJetStream(): Promise<{
  connection: import('@nats-io/transport-node').NatsConnection;
  jsm: import('@nats-io/jetstream').JetStreamManager;
  js: import('@nats-io/jetstream').JetStreamClient;
}> {
  await requireServer('NATS', '127.0.0.1', 4222);
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  const connection = await connect({ servers: '127.0.0.1:4222' });
  return { connection, jsm: await jetstreamManager(connection), js: jetstream(connection) };
}
