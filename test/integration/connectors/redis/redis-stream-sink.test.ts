// The Redis Streams sink writes every record exactly once across injected failures (exceptions and
// the sink's worker exiting between staging and commit); at-least-once loses nothing; a replayed
// commit of a batch is skipped by its marker; a record the stream cannot hold fails the job naming it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStreamSink } from '../../../../src/connectors/redis/redis-stream-sink.ts';
import { startJob } from '../../../../src/index.ts';
import { operatorContext, streamOutput } from '../../../support/operator-context.ts';
import {
  deleteRedisPrefix,
  fillRedisStreams,
  REDIS_URL,
  testRedis,
  uniqueName,
} from '../../../support/servers.ts';
import type { RedisCopyArgs } from '../jobs/redis-copy.job.ts';

const JOB = new URL('../jobs/redis-copy.job.ts', import.meta.url);
const prefix = `${uniqueName('weir_test_redis_sink')}:`;
const root = mkdtempSync(join(tmpdir(), 'weir-redis-sink-'));
let redis: Redis;

beforeAll(async () => {
  redis = await testRedis();
});
afterAll(async () => {
  await deleteRedisPrefix(redis, prefix);
  redis.disconnect();
  rmSync(root, { recursive: true, force: true });
});

function fill(name: string, streams: number, count: number): Promise<string[]> {
  return fillRedisStreams(redis, `${prefix}${name}:in`, streams, count);
}

/** The `n` fields of the target stream's entries, sorted. */
async function written(stream: string): Promise<number[]> {
  const entries = await redis.xrange(stream, '-', '+');
  return entries.map(([, fields]) => Number(fields[fields.indexOf('n') + 1])).sort((a, b) => a - b);
}

const range = (count: number): number[] => Array.from({ length: count }, (_, n) => n);

describe('Redis Streams sink', () => {
  it.each([
    [1, 'exactly-once', [500], [1500]],
    [2, 'exactly-once', [400, 2100], [1300]],
    [2, 'at-least-once', [900], [2000]],
  ] as const)(
    'parallelism %i, %s, failures at %o and %o',
    async (parallelism, guarantee, throwAt, exitAt) => {
      const count = 3000;
      const name = `${parallelism}-${guarantee}`;
      const streams = await fill(name, 3, count);
      const target = `${prefix}${name}:out`;
      const args: RedisCopyArgs = {
        streams,
        bounded: true,
        target,
        guarantee,
        markerPrefix: `${prefix}marker`,
        throwAt,
        exitAt,
        fired: new SharedArrayBuffer(4 * (throwAt.length + exitAt.length)),
        busyMicros: 100,
      };
      const restored: Array<number | undefined> = [];
      const client = await startJob(JOB, {
        args,
        environment: {
          parallelism,
          checkpointing: {
            intervalMs: 30,
            mode: guarantee,
            retained: 2,
            storage: { kind: 'filesystem', dir: join(root, name) },
          },
          restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 10 },
        },
      });
      client.on('restored', (checkpoint) => restored.push(checkpoint?.checkpointId));
      const result = await client.result;
      expect(new Int32Array(args.fired).every((f) => f === 1)).toBe(true);
      expect(result.attempts).toBeGreaterThanOrEqual(2);
      const got = await written(target);
      if (guarantee === 'exactly-once') expect(got).toEqual(range(count));
      else expect([...new Set(got)]).toEqual(range(count));
    },
  );

  it('skips a batch committed before when it is committed again', async () => {
    const stream = `${prefix}replay:out`;
    const make = () =>
      redisStreamSink({ url: REDIS_URL, stream, markerPrefix: `${prefix}marker` })(
        operatorContext({ transactional: true, operatorUid: 'replay' }),
        streamOutput(() => {}),
      );
    const first = make();
    await first.open?.();
    for (let n = 0; n < 5; n++) first.process({ n });
    const state = first.snapshotState?.(7);
    await first.notifyCheckpointComplete?.(7);
    await first.close?.();
    // A restored subtask commits the same staged batch again: the marker makes it a no-op.
    const second = make();
    await second.open?.();
    await second.restoreState?.([state]);
    await second.close?.();
    expect(await written(stream)).toEqual(range(5));
  });

  it('fails the job naming a record the stream cannot hold', async () => {
    const client = await startJob(new URL('../jobs/redis-bad-record.job.ts', import.meta.url), {
      args: { stream: `${prefix}bad:out` },
      environment: { parallelism: 1 },
    });
    await expect(client.result).rejects.toMatchObject({
      code: 'ERR_CONNECTOR_RECORD',
      message: expect.stringContaining('{"id":3}'),
    });
  });
});
