// Real multi-worker jobs give exact results at parallelism 1, 2 and 4, fail and cancel cleanly,
// and block their sources instead of buffering when the sink is slow.
import { describe, expect, it } from 'vitest';
import { executeJob, JobCancelledError, startJob, UserFunctionError } from '../../../src/index.ts';
import { osThreadCount } from '../../support/threads.ts';

const job = (name: string): URL => new URL(`../jobs/${name}.job.ts`, import.meta.url);

/** Runs a job that must fail in a user function and returns the error it failed with. */
async function userFailureOf(
  name: string,
  options: Parameters<typeof executeJob>[1],
): Promise<UserFunctionError> {
  const error = await executeJob(job(name), options).then(
    () => {
      throw new Error(`job ${name} finished, but it should have failed`);
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(UserFunctionError);
  return error as UserFunctionError;
}

function finalCounts(records: Array<{ word: string; count: number }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.word, Math.max(counts.get(r.word) ?? 0, r.count));
  return counts;
}

function expectedWordCounts(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines)
    for (const w of line.split(/\s+/).filter(Boolean)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

const lines = Array.from({ length: 3000 }, (_, i) => `alpha beta ${i % 13} gamma ${i % 5} alpha w${i % 101}`);

describe.each([1, 2, 4])('at parallelism %i', (parallelism) => {
  it('counts every word exactly', async () => {
    const result = await executeJob(job('word-count'), { args: { lines }, environment: { parallelism } });
    expect(finalCounts(result.collected('counts'))).toEqual(expectedWordCounts(lines));
    const source = result.operators.find((o) => o.uid === 'fromArray-0');
    expect(source?.records).toBe(lines.length);
  });

  it('batch mode pre-aggregates before the exchange and emits each final count once, also with checkpoints', async () => {
    const result = await executeJob(job('word-count'), {
      args: { lines },
      environment: {
        parallelism,
        runtimeMode: 'batch',
        checkpointing: { intervalMs: 20 },
        ringCapacity: 4096, // small rings: barriers flush partials often
      },
    });
    const records = result.collected<{ word: string; count: number }>('counts');
    const expected = expectedWordCounts(lines);
    expect(records).toHaveLength(expected.size);
    expect(new Map(records.map((r) => [r.word, r.count]))).toEqual(expected);
    // Far fewer records crossed the exchange than words were counted.
    const reduced = result.operators.find((o) => o.name === 'sum(count)');
    expect(reduced?.records).toBeLessThan(lines.length);
  });

  it('gives the same result chained and unchained', async () => {
    const chained = await executeJob(job('word-count'), { args: { lines }, environment: { parallelism } });
    const unchained = await executeJob(job('word-count'), {
      args: { lines },
      environment: { parallelism, chaining: false },
    });
    expect(finalCounts(unchained.collected('counts'))).toEqual(finalCounts(chained.collected('counts')));
  });

  it('sums every key exactly', async () => {
    const count = 200_000;
    const keys = 37;
    const result = await executeJob(job('sequence-sum'), {
      args: { count, keys },
      environment: { parallelism },
    });
    const sums = new Map(
      result.collected<{ key: number; value: number }>('sums').map((r) => [r.key, r.value]),
    );
    const expected = new Map<number, number>();
    for (let n = 0; n < count; n++) expected.set(n % keys, (expected.get(n % keys) ?? 0) + n);
    expect(sums).toEqual(expected);
  });

  it('unions two sources', async () => {
    const left = Array.from({ length: 500 }, (_, i) => `k${i % 7}`);
    const right = Array.from({ length: 300 }, (_, i) => `k${i % 11}`);
    const result = await executeJob(job('union'), { args: { left, right }, environment: { parallelism } });
    const counts = new Map<string, number>();
    for (const r of result.collected<{ k: string; n: number }>('counts'))
      counts.set(r.k, Math.max(counts.get(r.k) ?? 0, r.n));
    const expected = new Map<string, number>();
    for (const k of [...left, ...right]) expected.set(k, (expected.get(k) ?? 0) + 1);
    expect(counts).toEqual(expected);
  });

  it('fails with an error naming the operator, subtask and record, and leaves no thread', async () => {
    const before = osThreadCount();
    const failure = await userFailureOf('failing', {
      args: { failAt: 5000 },
      environment: { parallelism },
    });
    expect(failure.code).toBe('ERR_USER_FUNCTION');
    expect(failure.classification).toBe('user');
    expect(failure.operatorName).toBe('explode');
    expect(failure.operatorUid).toBe('exploding-map');
    expect(failure.subtaskIndex).toBeGreaterThanOrEqual(0);
    expect(failure.subtaskIndex).toBeLessThan(parallelism);
    expect(failure.record).toContain('"id":5000');
    expect(failure.message).toContain('bad record 5000');
    expect(osThreadCount()).toBeLessThanOrEqual(before);
  });

  it('fails when batch-mode partials cannot be routed at the end of input (a reduce dropped the key)', async () => {
    const failure = await userFailureOf('lossy-reduce', {
      args: { records: 1000 },
      environment: { parallelism, runtimeMode: 'batch' },
    });
    // Raised by the key selector in the producing worker, named after the keyed operator it feeds.
    expect(failure.code).toBe('ERR_USER_FUNCTION');
    expect(failure.classification).toBe('user');
    expect(failure.operatorName).toBe('lossy (keyBy field "k")');
    expect(failure.operatorUid).toBe('lossy-reduce');
    expect(failure.record).toMatch(/^\{"v":\d+\}$/);
    expect(failure.message).toContain('keyBy field "k" is missing');
  });

  it('names the keyed operator when its key selector fails on a record (streaming)', async () => {
    const failure = await userFailureOf('missing-key', {
      args: { records: 1000, missingAt: 500 },
      environment: { parallelism },
    });
    expect(failure.operatorName).toBe('total (keyBy field "k")');
    expect(failure.operatorUid).toBe('total-sum');
    expect(failure.record).toBe('{"v":500}');
    expect(failure.message).toBe(
      `operator "total (keyBy field "k")" (uid total-sum, subtask ${failure.subtaskIndex}) failed on record {"v":500}: keyBy field "k" is missing`,
    );
  });

  it('cancels an unbounded job and leaves no thread', async () => {
    const before = osThreadCount();
    const client = await startJob(job('unbounded'), {
      args: { ratePerSecond: 20_000 },
      environment: { parallelism },
    });
    await new Promise<void>((resolve) => {
      const stop = client.onProgress((p) => {
        if ((p.operators[0]?.records ?? 0) > 1000) {
          stop();
          resolve();
        }
      });
    });
    await client.cancel();
    await expect(client.result).rejects.toBeInstanceOf(JobCancelledError);
    expect(osThreadCount()).toBeLessThanOrEqual(before);
  });
});

describe('bounded jobs at scale', () => {
  it('moves ten million records through a keyed job', async () => {
    const count = 10_000_000;
    const keys = 1000;
    const result = await executeJob(job('sequence-sum'), {
      args: { count, keys },
      environment: { parallelism: 2 },
    });
    const sums = result.collected<{ key: number; value: number }>('sums');
    expect(sums).toHaveLength(keys);
    for (const { key, value } of sums) {
      // sum of key, key + keys, ..., below count
      const m = Math.floor((count - 1 - key) / keys) + 1;
      expect(value).toBe(m * key + (keys * (m * (m - 1))) / 2);
    }
    expect(result.operators.find((o) => o.uid === 'fromSequence-0')?.records).toBe(count);
  });
});

describe('backpressure', () => {
  it('a slow sink holds the source back instead of buffering without bound', async () => {
    const counters = new SharedArrayBuffer(12);
    const count = 100_000;
    await executeJob(job('slow-sink'), {
      args: { count, counters },
      environment: { parallelism: 1, ringCapacity: 16 * 1024 },
    });
    const c = new Int32Array(counters);
    expect(c[0]).toBe(count);
    expect(c[1]).toBe(count);
    // In flight at most: one ring (16 KiB of ~3-byte records), a batch on each side and a backlog.
    expect(c[2]).toBeLessThan(20_000);
  });
});
