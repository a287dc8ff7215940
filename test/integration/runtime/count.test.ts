// `keyBy(...).count()` gives exact counts per key at parallelism 1, 2 and 4: rolling in streaming
// mode (per record, or per mini-batch with local aggregation), once per key (combined before the exchange) in batch mode, and resumes from a savepoint at
// another parallelism with exact counts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executeJob, type KeyCount, startJob, valueState } from '../../../src/index.ts';
import { completedCheckpoints, keyedValues } from '../../support/checkpoints.ts';

const job = new URL('../jobs/count.job.ts', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'weir-count-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const lines = Array.from({ length: 3000 }, (_, i) => `alpha beta ${i % 13} gamma ${i % 5} alpha w${i % 101}`);

function expectedWordCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines)
    for (const w of line.split(/\s+/).filter(Boolean)) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

const words = [...expectedWordCounts().values()].reduce((a, b) => a + b, 0);

describe.each([1, 2, 4])('count() at parallelism %i', (parallelism) => {
  it('streaming: emits 1, 2, ..., n for each key, one update per record', async () => {
    const result = await executeJob(job, { args: { lines }, environment: { parallelism } });
    const records = result.collected<KeyCount<string>>('counts');
    expect(records).toHaveLength(words);
    const byKey = new Map<string, number[]>();
    for (const r of records) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.count]);
    const expected = expectedWordCounts();
    expect(new Map([...byKey].map(([k, counts]) => [k, counts.length]))).toEqual(expected);
    // One subtask owns each key: its updates arrive in order, counting up from one.
    for (const [key, counts] of byKey) expect(counts, key).toEqual(counts.map((_, i) => i + 1));
  });

  it('streaming with local aggregation: counts rise per key to the exact total, fewer updates', async () => {
    const result = await executeJob(job, {
      args: { lines },
      environment: { parallelism, localAggregationMs: 60_000 },
    });
    const records = result.collected<KeyCount<string>>('counts');
    const last = new Map<string, number>();
    for (const r of records) {
      // One subtask owns each key: its updates arrive in order, each above the one before.
      expect(r.count, r.key).toBeGreaterThan(last.get(r.key) ?? 0);
      last.set(r.key, r.count);
    }
    expect(last).toEqual(expectedWordCounts());
    expect(records.length).toBeLessThan(words);
  });

  it('batch: emits each final count once, combined before the exchange, also with checkpoints', async () => {
    const result = await executeJob(job, {
      args: { lines },
      environment: {
        parallelism,
        runtimeMode: 'batch',
        checkpointing: { intervalMs: 20 },
        ringCapacity: 4096, // small rings: barriers flush partials often
      },
    });
    const records = result.collected<KeyCount<string>>('counts');
    const expected = expectedWordCounts();
    expect(records).toHaveLength(expected.size);
    expect(new Map(records.map((r) => [r.key, r.count]))).toEqual(expected);
    const counter = result.operators.find((o) => o.uid === 'counter');
    expect(counter?.records).toBeLessThan(words);
  });
});

describe('count() state', () => {
  it.each([
    [2, 3],
    [4, 1],
  ])(
    'resumes from a savepoint taken at parallelism %i at parallelism %i with exact counts',
    async (from, to) => {
      const args = { count: 40_000, keys: 16 };
      const client = await startJob(job, {
        args: { ...args, ratePerSecond: 8000 },
        environment: {
          parallelism: from,
          checkpointing: { storage: { kind: 'filesystem', dir: join(root, `chk-${from}-${to}`) } },
        },
      });
      const outcome = await client.stopWithSavepoint(join(root, `sp-${from}-${to}`));
      // Stopped with a savepoint, the job finished: its result, collected records included, is there.
      const stopped = await client.result;
      expect(client.status).toBe('finished');
      expect(Array.isArray(stopped.collected<KeyCount<string>>('counts'))).toBe(true);
      if (outcome.status !== 'completed') throw new Error(`savepoint ${outcome.status}`);
      const dir = join(root, `resumed-${from}-${to}`);
      const result = await executeJob(job, {
        args,
        environment: {
          parallelism: to,
          resume: { path: outcome.checkpoint.pointer },
          checkpointing: { intervalMs: 100, storage: { kind: 'filesystem', dir } },
        },
      });
      const final = (await completedCheckpoints(dir)).at(-1)!;
      const expected = new Map<string, number>();
      for (let n = 0; n < args.count; n++) expected.set(`k${n % 16}`, (expected.get(`k${n % 16}`) ?? 0) + 1);
      expect(await keyedValues(final, 'counter', valueState<number>('count'))).toEqual(expected);
      // The last rolling count of each key, emitted after the resume, is the exact total.
      const last = new Map<string, number>();
      for (const r of result.collected<KeyCount<string>>('counts'))
        last.set(r.key, Math.max(last.get(r.key) ?? 0, r.count));
      expect(last).toEqual(expected);
      const read = result.operators.find((o) => o.uid === 'numbers')?.records ?? 0;
      expect(read).toBeLessThan(args.count);
    },
  );
});
