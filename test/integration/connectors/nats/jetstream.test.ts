// The JetStream source reads every message of its subjects once (bounded, p = 1 and 2) and, with
// the Redis Streams sink, copies NATS → Redis exactly once across injected failures (chaos pair);
// the JetStream sink publishes every record once across failures, JetStream's duplicate window
// absorbing the restored job's repeated commits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJob } from '../../../../src/index.ts';
import { deleteRedisPrefix, testJetStream, testRedis, uniqueName } from '../../../support/servers.ts';
import type { NatsCopyArgs } from '../jobs/nats-copy.job.ts';

const JOB = new URL('../jobs/nats-copy.job.ts', import.meta.url);
const name = uniqueName('weir_test_nats');
const root = mkdtempSync(join(tmpdir(), 'weir-nats-'));
const COUNT = 1200;
let nats: Awaited<ReturnType<typeof testJetStream>>;
let redis: Redis;
const streams: string[] = [];

beforeAll(async () => {
  nats = await testJetStream();
  redis = await testRedis();
});
afterAll(async () => {
  for (const stream of streams) await nats.jsm.streams.delete(stream).catch(() => false);
  await nats.connection.close();
  await deleteRedisPrefix(redis, name);
  redis.disconnect();
  rmSync(root, { recursive: true, force: true });
});

/** A stream `<name>_<tag>` on subjects `<name>.<tag>.in.0..2` (and `.out`) holding COUNT numbers. */
async function filled(tag: string): Promise<{ stream: string; subjects: string[]; out: string }> {
  const stream = `${name}_${tag}`;
  streams.push(stream);
  await nats.jsm.streams.add({ name: stream, subjects: [`${name}.${tag}.>`] });
  const subjects = [0, 1, 2].map((i) => `${name}.${tag}.in.${i}`);
  for (let from = 0; from < COUNT; from += 200) {
    const acks = [];
    for (let n = from; n < Math.min(COUNT, from + 200); n++)
      acks.push(nats.js.publish(subjects[n % 3]!, String(n)));
    await Promise.all(acks);
  }
  return { stream, subjects, out: `${name}.${tag}.out` };
}

function copyArgs(
  source: { stream: string; subjects: string[] },
  extra: Partial<NatsCopyArgs>,
): NatsCopyArgs {
  const throwAt = extra.throwAt ?? [];
  const exitAt = extra.exitAt ?? [];
  return {
    ...source,
    bounded: true,
    throwAt,
    exitAt,
    fired: new SharedArrayBuffer(4 * (throwAt.length + exitAt.length)),
    ...extra,
  };
}

function environment(parallelism: number, dir: string) {
  return {
    parallelism,
    checkpointing: { intervalMs: 30, storage: { kind: 'filesystem' as const, dir: join(root, dir) } },
    restart: { strategy: 'fixed-delay' as const, attempts: 10, delayMs: 10 },
  };
}

const range = (count: number): number[] => Array.from({ length: count }, (_, n) => n);

describe('NATS JetStream source and sink', () => {
  it.each([1, 2])('reads every message of a bounded read once at parallelism %i', async (parallelism) => {
    const source = await filled(`read${parallelism}`);
    const client = await startJob(JOB, { args: copyArgs(source, {}), environment: { parallelism } });
    const got = ((await client.result).collected('out') as Array<{ n: number }>).map((r) => r.n);
    expect(got.sort((a, b) => a - b)).toEqual(range(COUNT));
  });

  it.each([301, 302, 303])('chaos NATS → Redis at parallelism 2, exactly-once, seed %i', async (seed) => {
    const source = await filled(`chaos${seed}`);
    const points = fc.sample(
      fc.uniqueArray(fc.integer({ min: COUNT / 10, max: COUNT - 1 }), { minLength: 2, maxLength: 2 }),
      { seed, numRuns: 1 },
    )[0]!;
    const throwAt = points.slice(0, 1);
    const exitAt = points.slice(1);
    const target = `${name}:chaos${seed}:out`;
    const args = copyArgs(source, {
      redisTarget: target,
      markerPrefix: `${name}:marker`,
      throwAt,
      exitAt,
      busyMicros: 100,
    });
    const result = await (await startJob(JOB, { args, environment: environment(2, `chaos${seed}`) })).result;
    expect([...new Int32Array(args.fired)]).toEqual([1, 1]);
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    const entries = await redis.xrange(target, '-', '+');
    const got = entries.map(([, fields]) => Number(fields[fields.indexOf('n') + 1])).sort((a, b) => a - b);
    expect(got).toEqual(range(COUNT));
  });

  it('the JetStream sink publishes every record once across failures', async () => {
    const source = await filled('sink');
    const args = copyArgs(source, { natsTarget: source.out, throwAt: [500], exitAt: [900], busyMicros: 100 });
    const result = await (await startJob(JOB, { args, environment: environment(2, 'sink') })).result;
    expect([...new Int32Array(args.fired)]).toEqual([1, 1]);
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    // Read the target subject back with the source itself.
    const check = await startJob(JOB, {
      args: copyArgs({ stream: source.stream, subjects: [source.out] }, {}),
      environment: { parallelism: 1 },
    });
    const got = ((await check.result).collected('out') as Array<{ n: number }>).map((r) => r.n);
    expect(got.sort((a, b) => a - b)).toEqual(range(COUNT));
  });
});
