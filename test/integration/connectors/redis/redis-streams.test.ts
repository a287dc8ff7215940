// The Redis Streams source emits every entry of its streams exactly once across injected failures
// and restores its positions exactly (also at another parallelism, from a savepoint); the sink
// writes every record exactly once across failures (a replayed commit is skipped by its marker).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../../../src/index.ts';
import { deleteRedisPrefix, fillRedisStreams, testRedis, uniqueName } from '../../../support/servers.ts';
import type { Copied, RedisCopyArgs } from '../jobs/redis-copy.job.ts';

const JOB = new URL('../jobs/redis-copy.job.ts', import.meta.url);
const prefix = `${uniqueName('weir_test_redis')}:`;
const root = mkdtempSync(join(tmpdir(), 'weir-redis-'));
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
  return fillRedisStreams(redis, `${prefix}${name}`, streams, count);
}

function args(streams: string[], extra: Partial<RedisCopyArgs> = {}): RedisCopyArgs {
  const throwAt = extra.throwAt ?? [];
  const exitAt = extra.exitAt ?? [];
  return {
    streams,
    bounded: true,
    throwAt,
    exitAt,
    fired: new SharedArrayBuffer(4 * (throwAt.length + exitAt.length)),
    ...extra,
  };
}

function checkpointing(dir: string) {
  return {
    intervalMs: 30,
    retained: 2,
    storage: { kind: 'filesystem' as const, dir: join(root, dir) },
  };
}

const range = (count: number): number[] => Array.from({ length: count }, (_, n) => n);

describe('Redis Streams source', () => {
  it.each([1, 2])('reads every entry of a bounded read once at parallelism %i', async (parallelism) => {
    const streams = await fill(`bounded-${parallelism}`, 3, 900);
    const client = await startJob(JOB, { args: args(streams), environment: { parallelism } });
    const result = await client.result;
    const got = (result.collected('out') as Copied[]).map((r) => r.n).sort((a, b) => a - b);
    expect(got).toEqual(range(900));
  });

  it.each([2, 3])(
    'after injected failures at parallelism %i, every entry is collected once',
    async (parallelism) => {
      const count = 3000;
      const streams = await fill(`failures-${parallelism}`, 4, count);
      const client = await startJob(JOB, {
        args: args(streams, { throwAt: [700, 1900], busyMicros: 100 }),
        environment: {
          parallelism,
          checkpointing: checkpointing(`failures-${parallelism}`),
          restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 10 },
        },
      });
      const result = await client.result;
      expect(result.attempts).toBeGreaterThanOrEqual(2);
      const got = (result.collected('out') as Copied[]).map((r) => r.n).sort((a, b) => a - b);
      expect(got).toEqual(range(count));
    },
  );
});

describe('Redis Streams source consumer group', () => {
  it("sets the group's last delivered id to each stream's checkpointed position", async () => {
    const streams = await fill('group', 3, 600);
    const client = await startJob(JOB, {
      args: args(streams, { consumerGroup: 'weir-lag', busyMicros: 200 }),
      environment: { parallelism: 2, checkpointing: checkpointing('group') },
    });
    const result = await client.result;
    expect((result.collected('out') as Copied[]).length).toBe(600);
    // The job's final checkpoint acknowledges the ends of the streams.
    for (const stream of streams) {
      const [last] = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
      const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
      const group = Object.fromEntries(
        Array.from({ length: groups[0]!.length / 2 }, (_, i) => [groups[0]![2 * i], groups[0]![2 * i + 1]]),
      );
      expect(group).toMatchObject({ name: 'weir-lag', 'last-delivered-id': last![0] });
    }
  });
});

describe('Redis Streams source positions', () => {
  it.each([1, 3])(
    'a savepoint of an unbounded run at parallelism 2 resumes at parallelism %i',
    async (parallelism) => {
      // The first half is there before the first run, the second only after it stopped: the second
      // run (bounded) must read exactly what the first had not read. Both copy into one stream with
      // the exactly-once sink, whose markers also skip the savepoint's batches that the second run
      // commits again on restore.
      const half = 1500;
      const streams = await fill(`rescale-${parallelism}`, 5, half);
      const target = `${prefix}rescale-${parallelism}:out`;
      const copy = { target, markerPrefix: `${prefix}marker` };
      const first = await startJob(JOB, {
        args: args(streams, { bounded: false, ...copy }),
        // No periodic checkpoint completes after the savepoint: the first run's output is the savepoint's.
        environment: {
          parallelism: 2,
          checkpointing: { ...checkpointing(`rescale-a-${parallelism}`), intervalMs: 3_600_000 },
        },
      });
      await new Promise<void>((resolve) =>
        first.onProgress((progress) => {
          if ((progress.operators.find((o) => o.uid === 'entries')?.records ?? 0) >= half / 3) resolve();
        }),
      );
      const outcome = await first.stopWithSavepoint(join(root, `rescale-sp-${parallelism}`));
      if (outcome.status !== 'completed') throw new Error(`savepoint ${outcome.status}`);
      await first.result;
      const pipeline = redis.pipeline();
      for (let n = half; n < 2 * half; n++) pipeline.xadd(streams[n % 5]!, '*', 'n', String(n));
      await pipeline.exec();
      const second = await startJob(JOB, {
        args: args(streams, { bounded: true, ...copy }),
        environment: {
          parallelism,
          checkpointing: checkpointing(`rescale-b-${parallelism}`),
          resume: { path: outcome.checkpoint.pointer },
        },
      });
      await second.result;
      const entries = await redis.xrange(target, '-', '+');
      const got = entries.map(([, fields]) => Number(fields[fields.indexOf('n') + 1])).sort((a, b) => a - b);
      expect(got).toEqual(range(2 * half));
    },
  );
});
