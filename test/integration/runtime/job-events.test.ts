// Every failure, restart and completed restore of a job is an event on its client, a listener can
// stop a job that keeps failing, and an AbortSignal cancels a job as Node.js APIs do.
import { rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CompletedCheckpoint,
  executeJob,
  JobAbortedError,
  JobCancelledError,
  type JobFailure,
  type JobRecovery,
  startJob,
} from '../../../src/index.ts';

const job = (name: string): URL => new URL(`../jobs/${name}.job.ts`, import.meta.url);
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'weir-job-events-'));
  roots.push(root);
  return root;
}

describe('failure events', () => {
  it('report each failure with its operator, subtask, attempt and the restart that follows', async () => {
    const client = await startJob(job('failing'), {
      args: { failAt: 10 },
      environment: { parallelism: 1, restart: { strategy: 'fixed-delay', attempts: 2, delayMs: 0 } },
    });
    const failures: JobFailure[] = [];
    client.on('failure', (failure) => failures.push(failure));
    await expect(client.result).rejects.toMatchObject({ code: 'ERR_RESTARTS_EXHAUSTED' });
    expect(failures.map((f) => [f.attempt, f.restart])).toEqual([
      [1, { delayMs: 0, attempt: 2 }],
      [2, { delayMs: 0, attempt: 3 }],
      [3, undefined],
    ]);
    for (const failure of failures) {
      expect(failure.operator).toEqual({ name: 'explode', uid: 'exploding-map' });
      expect(failure.subtask).toBe(0);
      expect(failure.error).toMatchObject({ code: 'ERR_USER_FUNCTION' });
      expect((failure.error.cause as Error).message).toBe('bad record 10');
    }
  });

  it('with checkpointing on, restarts a job that keeps failing until a listener cancels it', async () => {
    const client = await startJob(job('failing'), {
      args: { failAt: 10 },
      environment: { parallelism: 1, checkpointing: { intervalMs: 1000 } },
    });
    const failures: JobFailure[] = [];
    client.on('failure', (failure) => {
      failures.push(failure);
      if (failures.length === 3) void client.cancel();
    });
    await expect(client.result).rejects.toBeInstanceOf(JobCancelledError);
    expect(client.status).toBe('cancelled');
    // The default strategy (no restart option, checkpointing on) had a restart ready every time.
    expect(failures.map((f) => f.restart?.attempt)).toEqual([2, 3, 4]);
  });

  it('name the checkpoint directory and the system error when checkpoint storage fails', async () => {
    const dir = join(await scratch(), 'checkpoints');
    const client = await startJob(job('count'), {
      args: { count: 10_000_000, ratePerSecond: 20_000 },
      environment: {
        parallelism: 1,
        checkpointing: { intervalMs: 50, storage: { kind: 'filesystem', dir } },
        restart: { strategy: 'fixed-delay', attempts: 1, delayMs: 0 },
      },
    });
    // Once a checkpoint completed, the directory becomes a file: every later write fails.
    client.on('checkpoint', () => {
      rmSync(dir, { recursive: true, force: true });
      writeFileSync(dir, 'not a directory');
    });
    const failures: JobFailure[] = [];
    client.on('failure', (failure) => failures.push(failure));
    await expect(client.result).rejects.toMatchObject({ code: 'ERR_RESTARTS_EXHAUSTED' });
    expect(failures[0]!.error).toMatchObject({ code: 'ERR_CHECKPOINT_FAILURES_EXCEEDED' });
    expect(failures[0]!.error.message).toContain(join(dir, 'chk-'));
    expect(failures[0]!.error.message).toMatch(/ENOTDIR/);
  });
});

describe('restore events', () => {
  it('announce the checkpoint an attempt restores, then the completed restore with its duration', async () => {
    const failures = new SharedArrayBuffer(4);
    const client = await startJob(job('fail-once'), {
      args: { count: 60_000, failAt: 40_000, failures, ratePerSecond: 40_000 },
      environment: {
        parallelism: 2,
        checkpointing: { intervalMs: 50 },
        restart: { strategy: 'fixed-delay', attempts: 1, delayMs: 0 },
      },
    });
    const events: string[] = [];
    let restored: CompletedCheckpoint | undefined;
    let recovery: JobRecovery | undefined;
    client.on('failure', (f) => events.push(`failure ${f.attempt}`));
    client.on('restored', (checkpoint, attempt) => {
      restored = checkpoint;
      events.push(`restored ${attempt}`);
    });
    client.on('recovered', (r) => {
      recovery = r;
      events.push(`recovered ${r.attempt}`);
    });
    const result = await client.result;
    expect(result.attempts).toBe(2);
    expect(events).toEqual(['failure 1', 'restored 2', 'recovered 2']);
    expect(recovery!.checkpoint).toBe(restored);
    expect(recovery!.restoreMs).toBeGreaterThanOrEqual(0);
    expect(recovery!.downtimeMs).toBeGreaterThanOrEqual(recovery!.restoreMs);
  });
});

describe('stop with a savepoint', () => {
  it('ends the job as finished, with the records committed up to the savepoint as its result', async () => {
    const client = await startJob(job('fail-once'), {
      args: { count: 1_000_000, failAt: -1, failures: new SharedArrayBuffer(4), ratePerSecond: 5000 },
      environment: { parallelism: 2, checkpointing: { intervalMs: 50 } },
    });
    const statuses: string[] = [];
    client.on('status', (_from, to) => statuses.push(to));
    const committed = new Promise<void>((resolve) => client.on('checkpoint', () => resolve()));
    await committed;
    const outcome = await client.stopWithSavepoint();
    expect(outcome.status).toBe('completed');
    const result = await client.result;
    expect(client.status).toBe('finished');
    expect(statuses.at(-1)).toBe('finished');
    expect(statuses).not.toContain('cancelling');
    // Collected through checkpoints (transactional): the savepoint committed the last of them.
    const sums = result.collected<{ key: number; n: number }>('sums');
    expect(sums.length).toBeGreaterThan(0);
    expect(result.checkpoints.latestCompleted?.savepoint).toBe(true);
  });
});

describe('an AbortSignal', () => {
  it('already aborted: rejects at once with an AbortError, starting nothing', async () => {
    const controller = new AbortController();
    controller.abort(new Error('not wanted'));
    const error = await startJob(job('unbounded'), {
      args: { ratePerSecond: 1000 },
      signal: controller.signal,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobAbortedError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'ERR_JOB_CANCELLED' });
    expect((error as Error).cause).toBe(controller.signal.reason);
  });

  it('aborted while the job runs: cancels it, and the result rejects with an AbortError', async () => {
    const controller = new AbortController();
    const client = await startJob(job('unbounded'), {
      args: { ratePerSecond: 1000 },
      environment: { parallelism: 1 },
      signal: controller.signal,
    });
    client.onProgress(() => controller.abort());
    await expect(client.result).rejects.toMatchObject({ name: 'AbortError', code: 'ERR_JOB_CANCELLED' });
    expect(client.status).toBe('cancelled');
  });

  it('is refused when it is not an AbortSignal', async () => {
    await expect(
      executeJob(job('unbounded'), {
        args: { ratePerSecond: 1000 },
        signal: 'stop' as unknown as AbortSignal,
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', option: 'signal' });
  });
});
