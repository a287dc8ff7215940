// A batch job runs by stages over blocking exchanges: each vertex's subtasks start once the
// vertices feeding it have finished, in the threads earlier stages used, reading the files those
// wrote. Exact results at parallelism 1, 2 and 4; the files are gone after success and failure;
// a failure restarts the job; checkpoints are refused with a reason, not lost.
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  executeJob,
  InvalidOptionError,
  JobCancelledError,
  type JobProgress,
  startJob,
  UserFunctionError,
} from '../../../src/index.ts';
import { osThreadCount } from '../../support/threads.ts';
import type { BatchStagesArgs, KeySum } from '../jobs/batch-stages.job.ts';

const job = new URL('../jobs/batch-stages.job.ts', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'weir-batch-stages-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const count = 60_000;
const keys = 37;

function expectedSums(records = count): Map<number, number> {
  const sums = new Map<number, number>();
  for (let n = 0; n < records; n++) sums.set(n % keys, (sums.get(n % keys) ?? 0) + n);
  return sums;
}

/** A fresh partition directory for one test. */
function partitionDirectory(): string {
  return mkdtempSync(join(root, 'partitions-'));
}

/** This process's open files under `directory` (deleted ones too: their space stays taken). */
function openFilesUnder(directory: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(directory)) open.push(target);
    } catch {
      // Closed meanwhile.
    }
  }
  return open;
}

function sumsOf(records: readonly KeySum[]): Map<number, number> {
  return new Map(records.map((r) => [r.key, r.sum]));
}

function threadsOf(records: readonly KeySum[]): Set<number> {
  return new Set(records.flatMap((r) => r.threads));
}

/**
 * Starts the job failing once in the middle stage (at record 777) with a restart strategy; the
 * first stage's map counts its records in `tagged`, and `attempts` collects restored attempts.
 */
async function startFailingOnce(directory: string, restarts: number) {
  const fired = new SharedArrayBuffer(4);
  const tagged = new SharedArrayBuffer(4);
  const client = await startJob<BatchStagesArgs>(job, {
    args: { count, keys, failAt: 777, fired, tagged },
    environment: {
      parallelism: 2,
      runtimeMode: 'batch',
      partitionDirectory: directory,
      restart: { strategy: 'fixed-delay', attempts: restarts, delayMs: 1 },
    },
  });
  const attempts: number[] = [];
  client.on('restored', (_checkpoint, attempt) => attempts.push(attempt));
  return { client, attempts, fired: new Int32Array(fired), tagged: new Int32Array(tagged) };
}

describe.each([1, 2, 4])('a batch job by stages at parallelism %i', (parallelism) => {
  it('gives exact sums, runs every stage in the same threads and leaves no partition file', async () => {
    const directory = partitionDirectory();
    const result = await executeJob<BatchStagesArgs>(job, {
      args: { count, keys },
      environment: { parallelism, runtimeMode: 'batch', partitionDirectory: directory, ringCapacity: 16384 },
    });
    const records = result.collected<KeySum>('sums');
    expect(records).toHaveLength(keys);
    expect(sumsOf(records)).toEqual(expectedSums());
    // Three vertices, but one thread per subtask of the widest: later stages reuse the threads.
    expect(threadsOf(records).size).toBe(parallelism);
    expect(result.operators.find((o) => o.uid === 'middle')?.records).toBe(count);
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('a batch job by stages', () => {
  it('runs pipelined with batchShuffleMode "pipelined": a thread per parallel instance, the same sums', async () => {
    const result = await executeJob<BatchStagesArgs>(job, {
      args: { count, keys },
      environment: { parallelism: 2, runtimeMode: 'batch', batchShuffleMode: 'pipelined' },
    });
    const records = result.collected<KeySum>('sums');
    expect(sumsOf(records)).toEqual(expectedSums());
    // Thread sharing (the default): subtask i of each of the three vertices in thread i.
    expect(threadsOf(records).size).toBe(2);
  });

  it('runs pipelined a thread per subtask without thread sharing, with the same sums', async () => {
    const result = await executeJob<BatchStagesArgs>(job, {
      args: { count, keys },
      environment: {
        parallelism: 2,
        runtimeMode: 'batch',
        batchShuffleMode: 'pipelined',
        threadSharing: false,
      },
    });
    const records = result.collected<KeySum>('sums');
    expect(sumsOf(records)).toEqual(expectedSums());
    expect(threadsOf(records).size).toBe(3 * 2);
  });

  it('keeps keyed state of a later stage in the embedded on-disk backend, in a reused thread', async () => {
    const result = await executeJob<BatchStagesArgs>(job, {
      args: { count, keys },
      environment: {
        parallelism: 2,
        runtimeMode: 'batch',
        partitionDirectory: partitionDirectory(),
        stateBackend: { type: 'embedded', directory: join(root, 'state') },
      },
    });
    const records = result.collected<KeySum>('sums');
    expect(sumsOf(records)).toEqual(expectedSums());
    expect(threadsOf(records).size).toBe(2);
    // Each subtask's working directory went with it, also in threads that ran another stage after.
    expect(readdirSync(join(root, 'state'))).toEqual([]);
  });

  it.each([true, false])(
    'runs a stage wider than the pool (two sources of a union) in two threads, thread sharing %s',
    async (threadSharing) => {
      // Shared: subtask i of both sources in thread i at once; unshared: the pool queues two of them.
      const result = await executeJob<BatchStagesArgs>(job, {
        args: { count, keys, union: true },
        environment: {
          parallelism: 2,
          runtimeMode: 'batch',
          partitionDirectory: partitionDirectory(),
          threadSharing,
        },
      });
      const records = result.collected<KeySum>('sums');
      expect(sumsOf(records)).toEqual(expectedSums(2 * count));
      expect(threadsOf(records).size).toBe(2);
    },
  );

  it('fails with the user error of a later stage, removes its files and leaves no thread', async () => {
    const before = osThreadCount();
    const directory = partitionDirectory();
    const failure = await executeJob<BatchStagesArgs>(job, {
      args: { count, keys, failAt: 4321 },
      environment: { parallelism: 2, runtimeMode: 'batch', partitionDirectory: directory },
    }).then(
      () => expect.fail('the job finished, but it should have failed'),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(UserFunctionError);
    expect((failure as UserFunctionError).operatorUid).toBe('middle');
    expect((failure as UserFunctionError).message).toContain('bad record 4321');
    expect(readdirSync(directory)).toEqual([]);
    expect(osThreadCount()).toBeLessThanOrEqual(before);
  });

  it("restarts only the stages that had not finished, reading the finished ones' files again", async () => {
    const directory = partitionDirectory();
    const { client, attempts, fired, tagged } = await startFailingOnce(directory, 2);
    // Between the attempts (the threads live on): the failed stage's files are all closed.
    let openBetweenAttempts: string[] | undefined;
    client.on('status', (_from, to) => {
      if (to === 'restarting') openBetweenAttempts = openFilesUnder(directory);
    });
    const result = await client.result;
    expect(fired[0]).toBe(1);
    expect(attempts).toEqual([2]);
    expect(openBetweenAttempts).toEqual([]);
    // The first stage finished before the middle one failed: it ran once.
    expect(tagged[0]).toBe(count);
    expect(result.operators.find((o) => o.uid === 'tag')?.records).toBe(count);
    const records = result.collected<KeySum>('sums');
    expect(records).toHaveLength(keys);
    expect(sumsOf(records)).toEqual(expectedSums());
  });

  it('runs a finished stage again when the next one finds its partition gone', async () => {
    const directory = partitionDirectory();
    const { client, attempts, tagged } = await startFailingOnce(directory, 3);
    // After the middle stage's failure, the first stage's files disappear (a cleaner, a full disk).
    client.on('status', (_from, to) => {
      if (to !== 'restarting' || attempts.length > 0) return;
      for (const job of readdirSync(directory)) rmSync(join(directory, job, '0-a1-0-0'));
    });
    const result = await client.result;
    // Attempt 2 fails opening the file and sends the first stage back; attempt 3 runs both again.
    expect(attempts).toEqual([2, 3]);
    expect(tagged[0]).toBe(2 * count);
    expect(sumsOf(result.collected<KeySum>('sums'))).toEqual(expectedSums());
  });

  it('delivers the collected records of a stage run again once each', async () => {
    const fired = new SharedArrayBuffer(4);
    const result = await executeJob<BatchStagesArgs>(job, {
      // Record 50 000 comes after more than a collect batch (1024 records) left each subtask.
      args: { count, keys, failAt: 50_000, fired, collectMiddle: true },
      environment: {
        parallelism: 2,
        runtimeMode: 'batch',
        partitionDirectory: partitionDirectory(),
        restart: { strategy: 'fixed-delay', attempts: 2, delayMs: 1 },
      },
    });
    expect(new Int32Array(fired)[0]).toBe(1);
    const records = result.collected<KeySum>('middle-records');
    expect(records).toHaveLength(count);
    expect(new Set(records.map((r) => r.sum)).size).toBe(count);
  });

  it.each([false, true])(
    'cancels a stage of two sources, thread sharing %s, leaving no thread and no file',
    async (threadSharing) => {
      const before = osThreadCount();
      const directory = partitionDirectory();
      // Two rate-limited sources of two subtasks each in two threads: without thread sharing two
      // subtasks wait in the pool's queue; with it, each thread runs one subtask of each source.
      const client = await startJob<BatchStagesArgs>(job, {
        args: { count: 1_000_000, keys, union: true, ratePerSecond: 1000 },
        environment: { parallelism: 2, runtimeMode: 'batch', partitionDirectory: directory, threadSharing },
      });
      // Cancel once the first stage runs.
      const progress = await new Promise<JobProgress>((resolve) =>
        client.on('progress', (p: JobProgress) => {
          if (p.subtasks.running > 0) resolve(p);
        }),
      );
      if (!threadSharing) expect(progress.subtasks.running).toBeLessThanOrEqual(2);
      expect(progress.subtasks.finished).toBe(0);
      await client.cancel();
      await expect(client.result).rejects.toBeInstanceOf(JobCancelledError);
      expect(readdirSync(directory)).toEqual([]);
      expect(openFilesUnder(directory)).toEqual([]);
      expect(osThreadCount()).toBeLessThanOrEqual(before);
    },
  );

  it('refuses a partition directory it cannot create files in before any thread starts', async () => {
    const file = join(root, 'not-a-directory');
    writeFileSync(file, '');
    const failure = await executeJob<BatchStagesArgs>(job, {
      args: { count, keys },
      environment: { parallelism: 2, runtimeMode: 'batch', partitionDirectory: join(file, 'sub') },
    }).then(
      () => expect.fail('the job finished, but it should have failed'),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(InvalidOptionError);
    expect((failure as InvalidOptionError).option).toBe('partitionDirectory');
  });

  it('refuses checkpoints and savepoints with a reason instead of losing them', async () => {
    const client = await startJob<BatchStagesArgs>(job, {
      args: { count, keys },
      environment: { parallelism: 2, runtimeMode: 'batch', partitionDirectory: partitionDirectory() },
    });
    const savepoint = await client.triggerSavepoint(join(root, 'savepoints'));
    expect(savepoint).toMatchObject({ status: 'failed', reason: 'unsupported-by-stages' });
    expect(savepoint.status === 'failed' && savepoint.error.message).toContain('batchShuffleMode');
    expect(await client.triggerCheckpoint()).toMatchObject({
      status: 'failed',
      reason: 'unsupported-by-stages',
    });
    expect(sumsOf((await client.result).collected<KeySum>('sums'))).toEqual(expectedSums());
  });
});
