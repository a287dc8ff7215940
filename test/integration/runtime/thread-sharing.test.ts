// With thread sharing, subtask i of every vertex runs in worker thread i: a job at parallelism p uses
// p threads; a producer and its consumer in one thread pass records through a ring of the smallest
// size without deadlock; a crash of a shared thread fails the job once and the restart restores
// exact state; a thread over its resource limits fails the job; cancelling leaves no thread behind.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  executeJob,
  InvalidOptionError,
  JobCancelledError,
  type JobFailure,
  startJob,
} from '../../../src/index.ts';
import { completedCheckpoints, keyedValues } from '../../support/checkpoints.ts';
import { osThreadCount } from '../../support/threads.ts';
import type { BatchStagesArgs, KeySum } from '../jobs/batch-stages.job.ts';
import { type ChaosArgs, COUNT, keyOf } from '../jobs/chaos.job.ts';

const stagesJob = new URL('../jobs/batch-stages.job.ts', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'weir-thread-sharing-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const count = 40_000;
const keys = 37;

function expectedSums(): Map<number, number> {
  const sums = new Map<number, number>();
  for (let n = 0; n < count; n++) sums.set(n % keys, (sums.get(n % keys) ?? 0) + n);
  return sums;
}

/** Runs the three-vertex job (sequence → rebalance → map → keyBy → reduce) pipelined. */
async function runPipelined(parallelism: number, extra: Record<string, unknown> = {}) {
  const result = await executeJob<BatchStagesArgs>(stagesJob, {
    args: { count, keys },
    environment: { parallelism, runtimeMode: 'batch', batchShuffleMode: 'pipelined', ...extra },
  });
  const records = result.collected<KeySum>('sums');
  return {
    sums: new Map(records.map((r) => [r.key, r.sum])),
    threads: new Set(records.flatMap((r) => r.threads)).size,
  };
}

describe('thread sharing', () => {
  it.each([1, 2, 3])('runs a job of three vertices at parallelism %i in that many threads', async (p) => {
    const { sums, threads } = await runPipelined(p);
    expect(sums).toEqual(expectedSums());
    expect(threads).toBe(p);
  });

  it('runs every subtask in a thread of its own with threadSharing: false', async () => {
    const { sums, threads } = await runPipelined(2, { threadSharing: false });
    expect(sums).toEqual(expectedSums());
    expect(threads).toBe(3 * 2);
  });

  it.each([1, 2])(
    'passes every record between a producer and consumer in one thread through 1 KiB rings, parallelism %i',
    async (p) => {
      // Rings of 1 KiB fill after a few records: the producer must wait for space while its
      // consumer, in the same thread, drains; a producer that blocked its thread would hang here.
      const { sums, threads } = await runPipelined(p, { ringCapacity: 1024, bufferTimeoutMs: 0 });
      expect(sums).toEqual(expectedSums());
      expect(threads).toBe(p);
    },
  );

  it('refuses a threadSharing that is not a boolean, naming the option', async () => {
    await expect(
      executeJob<BatchStagesArgs>(stagesJob, {
        args: { count, keys },
        environment: { threadSharing: 'yes' as unknown as boolean },
      }),
    ).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof InvalidOptionError && /threadSharing/.test((error as Error).message),
    );
  });

  it('fails the job once when a shared thread exits, and restores exact keyed state', async () => {
    // The counter's thread also runs a source and a map subtask: all three fail with it, the
    // restart strategy is asked once, and the restore gives the counts of a failure-free run.
    const jobCount = 4000;
    const jobKeys = 13;
    const output = join(root, 'crash-out');
    const checkpoints = join(root, 'crash-chk');
    const args: ChaosArgs = {
      count: jobCount,
      ratePerSecond: 8000,
      keys: jobKeys,
      output,
      throwAt: [],
      exitAt: [2500],
      fired: new SharedArrayBuffer(4),
    };
    const before = osThreadCount();
    const client = await startJob(new URL('../jobs/chaos.job.ts', import.meta.url), {
      args,
      environment: {
        parallelism: 2,
        checkpointing: { intervalMs: 50, retained: 2, storage: { kind: 'filesystem', dir: checkpoints } },
        restart: { strategy: 'fixed-delay', attempts: 3, delayMs: 10 },
      },
    });
    const failures: JobFailure[] = [];
    client.on('failure', (failure) => failures.push(failure));
    const result = await client.result;
    expect(result.attempts).toBe(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.error).toMatchObject({ code: 'ERR_WORKER_EXITED' });
    expect(failures[0]?.restart).toEqual({ delayMs: 10, attempt: 2 });
    const expected = new Map<string, number>();
    for (let n = 0; n < jobCount; n++)
      expected.set(keyOf(n, jobKeys), (expected.get(keyOf(n, jobKeys)) ?? 0) + 1);
    const final = (await completedCheckpoints(checkpoints)).at(-1)!;
    expect(await keyedValues(final, 'counter', COUNT)).toEqual(expected);
    const lines = readdirSync(output)
      .filter((f) => !f.startsWith('.') && !f.endsWith('.inprogress'))
      .flatMap((f) => readFileSync(join(output, f), 'utf8').split('\n').filter(Boolean));
    expect(lines).toHaveLength(jobCount);
    expect(osThreadCount()).toBeLessThanOrEqual(before);
  });

  it('applies workerResourceLimits to each shared thread: one over its heap fails the job', async () => {
    const failure = await executeJob(new URL('../jobs/memory-hog.job.ts', import.meta.url), {
      environment: { parallelism: 2, workerResourceLimits: { maxOldGenerationSizeMb: 24 } },
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'ERR_WORKER_EXITED' });
  });

  it('cancels a job whose threads hold several subtasks and leaves no thread', async () => {
    const before = osThreadCount();
    const client = await startJob(new URL('../jobs/unbounded.job.ts', import.meta.url), {
      args: { ratePerSecond: 20_000 },
      environment: { parallelism: 2 },
    });
    await new Promise<void>((resolve) => {
      const stop = client.onProgress((p) => {
        if (p.subtasks.running === p.subtasks.total && (p.operators[0]?.records ?? 0) > 1000) {
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
