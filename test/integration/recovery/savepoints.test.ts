// A savepoint taken while a job runs resumes it exactly where it stopped, also at another
// parallelism and on the other state backend (heap to embedded and back); damaged checkpoints and
// state the job cannot take are refused clearly.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeMetadataFile } from '../../../src/checkpoint/storage/metadata.ts';
import { readCheckpointMetadata } from '../../../src/checkpoint/storage/reader.ts';
import { algorithmOf, checksumOf } from '../../../src/checkpoint/storage/state-handle.ts';
import { type CompletedCheckpoint, executeJob, type StateBackendType, startJob } from '../../../src/index.ts';
import { completedCheckpoints, keyedValues } from '../../support/checkpoints.ts';
import { COUNT, type KeyedCountArgs, keyOf, RIGHT_START } from '../jobs/keyed-count.job.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-savepoints-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const job = new URL('../jobs/keyed-count.job.ts', import.meta.url);

function expectedCounts(args: KeyedCountArgs & { count: number }): Map<string, number> {
  const counts = new Map<string, number>();
  for (const start of [0, RIGHT_START]) {
    for (let n = start; n < start + args.count; n++)
      counts.set(keyOf(n, args), (counts.get(keyOf(n, args)) ?? 0) + 1);
  }
  return counts;
}

/** Runs the job until a checkpoint completed, then stops it with a savepoint; returns its directory. */
async function savepointOf(
  args: KeyedCountArgs,
  parallelism: number,
  name: string,
  environment: { stateBackend?: StateBackendType; resume?: { path: string } } = {},
): Promise<string> {
  const client = await startJob(job, {
    args,
    environment: {
      ...environment,
      parallelism,
      checkpointing: { storage: { kind: 'filesystem', dir: join(root, `${name}-chk`) } },
    },
  });
  expect((await client.triggerCheckpoint()).status).toBe('completed');
  const outcome = await client.stopWithSavepoint(join(root, `${name}-sp`));
  expect(outcome.status).toBe('completed');
  // The job ends as finished (Flink's FINISHED), its result readable.
  expect((await client.result).jobName).toBe('keyed-count.job');
  expect(client.status).toBe('finished');
  if (outcome.status !== 'completed') throw new Error('no savepoint');
  expect(outcome.checkpoint.savepoint).toBe(true);
  return outcome.checkpoint.pointer;
}

/** Starts the job at parallelism 1, takes one checkpoint into `dir`, cancels the job. */
async function checkpointOf(dir: string): Promise<CompletedCheckpoint> {
  const client = await startJob(job, {
    args: { count: 100_000, ratePerSecond: 5000 },
    environment: { parallelism: 1, checkpointing: { storage: { kind: 'filesystem', dir } } },
  });
  const outcome = await client.triggerCheckpoint();
  await client.cancel();
  if (outcome.status !== 'completed') throw new Error(`checkpoint ${outcome.status}`);
  return outcome.checkpoint;
}

describe('savepoints', () => {
  it.each([
    [2, 2],
    [2, 3],
    [4, 1],
  ])('a savepoint taken at parallelism %i resumes at parallelism %i with exact counts', async (from, to) => {
    // Slow while the savepoint is taken (it must not end first), then as fast as it goes.
    const args = { count: 40_000 };
    const savepoint = await savepointOf({ ...args, ratePerSecond: 4000 }, from, `rescale-${from}-${to}`);
    const dir = join(root, `resumed-${from}-${to}`);
    const result = await executeJob(job, {
      args,
      environment: {
        parallelism: to,
        resume: { path: savepoint },
        checkpointing: { intervalMs: 100, storage: { kind: 'filesystem', dir } },
      },
    });
    expect(result.attempts).toBe(1);
    const final = (await completedCheckpoints(dir)).at(-1)!;
    expect(await keyedValues(final, 'counter', COUNT)).toEqual(expectedCounts(args));
    // The resumed job read only what the savepoint had not: fewer records than the whole input.
    const read = result.operators
      .filter((o) => o.uid === 'left' || o.uid === 'right')
      .reduce((n, o) => n + o.records, 0);
    expect(read).toBeLessThan(2 * args.count);
  });

  it('a heap savepoint at parallelism 2 resumes on the embedded backend at 1, and its savepoint on the heap at 3', async () => {
    const args = { count: 40_000 };
    const slow = { ...args, ratePerSecond: 4000 };
    const fromHeap = await savepointOf(slow, 2, 'heap-to-embedded');
    // Parallelism 1, not more: a source subtask without a split would finish and end checkpointing.
    const fromEmbedded = await savepointOf(slow, 1, 'embedded-to-heap', {
      stateBackend: 'embedded',
      resume: { path: fromHeap },
    });
    const dir = join(root, 'resumed-on-heap');
    const result = await executeJob(job, {
      args,
      environment: {
        parallelism: 3,
        stateBackend: 'heap',
        resume: { path: fromEmbedded },
        checkpointing: { intervalMs: 100, storage: { kind: 'filesystem', dir } },
      },
    });
    expect(result.attempts).toBe(1);
    const final = (await completedCheckpoints(dir)).at(-1)!;
    expect(await keyedValues(final, 'counter', COUNT)).toEqual(expectedCounts(args));
  });

  it('never takes the id or directory of a checkpoint a crash left unfinished (no _metadata)', async () => {
    const dir = join(root, 'unfinished');
    mkdirSync(join(dir, 'chk-7'), { recursive: true });
    writeFileSync(join(dir, 'chk-7', 'counter-0-keyed.state'), 'left by a crash');
    expect((await checkpointOf(dir)).checkpointId).toBe(8);
    expect(readdirSync(join(dir, 'chk-7'))).toEqual(['counter-0-keyed.state']);
    expect(readFileSync(join(dir, 'chk-7', 'counter-0-keyed.state'), 'utf8')).toBe('left by a crash');
  });

  it('fails naming the operator and the file when source state was edited with its checksums recomputed', async () => {
    const { pointer } = await checkpointOf(join(root, 'edited'));
    const metadata = structuredClone(await readCheckpointMetadata(pointer));
    const left = metadata.operators.find((o) => o.operatorUid === 'left')!.subtasks[0]!;
    const data = new Packr({ useRecords: false, moreTypes: true }).pack({ splits: 'x' });
    const checksum = checksumOf(data, algorithmOf(left.operator!.checksum));
    (left as { operator: unknown }).operator = { kind: 'inline', data, bytes: data.length, checksum };
    writeFileSync(join(pointer, '_metadata'), encodeMetadataFile(metadata));
    const error = await executeJob(job, {
      args: { count: 100_000 },
      environment: { parallelism: 1, resume: { path: pointer } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'ERR_STATE_RESTORE',
      operatorUid: 'left',
      file: join(pointer, '_metadata'),
    });
    expect((error as Error).message).toMatch(/operator left: .* splits is "x", not a list/);
  });

  it('refuses state of operators the job no longer has, unless allowed to drop it', async () => {
    const savepoint = await savepointOf({ count: 100_000, ratePerSecond: 5000 }, 1, 'unmapped');
    const lines = ['a b', 'c'];
    const other = new URL('../jobs/word-count.job.ts', import.meta.url);
    const error = await executeJob(other, {
      args: { lines },
      environment: { parallelism: 1, resume: { path: savepoint } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('ERR_STATE_RESTORE');
    expect((error as Error).message).toMatch(/operator uid\(s\) "left", "right", "counter"/);
    const result = await executeJob(other, {
      args: { lines },
      environment: { parallelism: 1, resume: { path: savepoint, allowNonRestoredState: true } },
    });
    expect(result.collected('counts')).toHaveLength(3);
  });
});

describe('resuming from damaged checkpoints', () => {
  it('fails naming the damaged file, or falls back to an older retained checkpoint when allowed', async () => {
    const dir = join(root, 'damaged');
    const args = { count: 100_000, ratePerSecond: 5000, keys: 20_000 }; // enough keys for file-backed keyed state
    const client = await startJob(job, {
      args,
      environment: {
        parallelism: 1,
        checkpointing: { retained: 3, storage: { kind: 'filesystem', dir, inlineThresholdBytes: 0 } },
      },
    });
    for (let i = 0; i < 3; i++) expect((await client.triggerCheckpoint()).status).toBe('completed');
    await client.cancel();
    const checkpoints = await completedCheckpoints(dir);
    const newest = checkpoints.at(-1)!;
    const stateFile = readdirSync(newest.pointer).find((f) => f.startsWith('counter-'))!;
    truncateSync(join(newest.pointer, stateFile), 10);

    const error = await executeJob(job, {
      args,
      environment: { parallelism: 1, resume: { path: dir } },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { code?: string }).code).toBe('ERR_CHECKPOINT_CORRUPT');
    expect((error as Error).message).toContain(stateFile);

    const resumed = await startJob(job, {
      args,
      environment: { parallelism: 1, resume: { path: dir, fallBackToOlder: true } },
    });
    expect((await resumed.triggerCheckpoint()).status).toBe('completed');
    await resumed.cancel();
  });
});
