// Event-time windows and timers over out-of-order input are exactly-once across failures: after
// exceptions and worker exits at seeded records, and worker exits inside checkpoints (in the sink's
// pre-commit at the barrier, or in its commit once the checkpoint completed), the committed results
// equal the reference
// on the sorted input (which a failure-free run commits), for tumbling, sliding and session windows
// and keyed timers, aligned, unaligned and incremental, heap, embedded and RocksDB; and a savepoint taken at one
// parallelism resumes at another with the same results.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type StateBackendType, startJob } from '../../../src/index.ts';
import { type EventTimeArgs, referenceLines, type WindowKind } from '../jobs/event-time.job.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-event-time-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const job = new URL('../jobs/event-time.job.ts', import.meta.url);

function committedLines(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .flatMap((f) =>
        readFileSync(join(dir, f), 'utf8')
          .split('\n')
          .filter((l) => l.length > 0),
      ),
  );
}

/** Seeded failure points: two exceptions in the map, one exit of the window operator's thread. */
function failurePoints(seed: number, count: number): { throwAt: number[]; exitAt: number[] } {
  const points = fc.sample(
    fc.uniqueArray(fc.integer({ min: count / 10, max: count - 1 }), { minLength: 3, maxLength: 3 }),
    { seed, numRuns: 1 },
  )[0]!;
  return { throwAt: points.slice(0, 2), exitAt: points.slice(2) };
}

function argsFor(name: string, window: WindowKind, extra: Partial<EventTimeArgs> = {}): EventTimeArgs {
  return {
    count: 4000,
    ratePerSecond: 8000,
    keys: 11,
    bound: 120,
    window,
    output: join(root, `out-${name}`),
    throwAt: [],
    exitAt: [],
    fired: new SharedArrayBuffer(12),
    ...extra,
  };
}

const runs: Array<
  [
    WindowKind,
    number,
    number,
    { unaligned?: boolean; incremental?: boolean; stateBackend?: StateBackendType },
  ]
> = [
  ['tumbling', 2, 41, {}],
  ['sliding', 3, 42, { unaligned: true }],
  ['session', 2, 43, {}],
  ['session', 1, 44, { stateBackend: 'embedded' }],
  ['timers', 4, 45, { unaligned: true }],
  ['tumbling', 2, 46, { stateBackend: 'embedded', incremental: true }],
  ['sliding', 2, 47, { incremental: true }],
  ['session', 2, 48, { stateBackend: 'rocksdb', incremental: true }],
];

describe('event-time windows under injected failures', () => {
  it.each(runs)('%s at parallelism %i, seed %i %o', async (window, parallelism, seed, options) => {
    const { stateBackend = 'heap', unaligned = false, incremental = false } = options;
    const name = `${window}-${parallelism}-${seed}`;
    const args = argsFor(name, window, failurePoints(seed, 4000));
    const client = await startJob(job, {
      args,
      environment: {
        parallelism,
        stateBackend,
        checkpointing: {
          intervalMs: 50,
          unaligned,
          incremental,
          retained: 2,
          storage: { kind: 'filesystem', dir: join(root, `chk-${name}`) },
        },
        restart: { strategy: 'fixed-delay', attempts: 10, delayMs: 10 },
      },
    });
    const result = await client.result;
    expect(new Int32Array(args.fired).every((f) => f === 1)).toBe(true);
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(committedLines(args.output).sort()).toEqual(referenceLines(args));
  });

  it.each([
    // The first pre-commit and the first commit of sink subtask 0 (in its thread): every run has them.
    ['session', 2, { preCommitExitAt: 1 }],
    ['tumbling', 3, { commitExitAt: 1 }],
    ['timers', 2, { preCommitExitAt: 1, commitExitAt: 1 }],
  ] as const)(
    '%s at parallelism %i: a worker exit inside a checkpoint %o',
    async (window, parallelism, failures) => {
      const name = `${window}-in-checkpoint-${parallelism}-${Object.keys(failures).join('-')}`;
      const fired = new SharedArrayBuffer(8);
      const args = argsFor(name, window, { ratePerSecond: 4000, checkpointFailures: { ...failures, fired } });
      const client = await startJob(job, {
        args,
        environment: {
          parallelism,
          checkpointing: { intervalMs: 50, storage: { kind: 'filesystem', dir: join(root, `chk-${name}`) } },
          restart: { strategy: 'fixed-delay', attempts: 10, delayMs: 10 },
        },
      });
      const result = await client.result;
      const flags = new Int32Array(fired);
      if ('preCommitExitAt' in failures) expect(flags[0]).toBe(1);
      if ('commitExitAt' in failures) expect(flags[1]).toBe(1);
      expect(result.attempts).toBeGreaterThanOrEqual(2);
      expect(committedLines(args.output).sort()).toEqual(referenceLines(args));
    },
  );

  it.each([
    ['tumbling', 2, 3],
    ['timers', 3, 1],
  ] as const)(
    '%s: a savepoint at parallelism %i resumes at %i with the same results',
    async (window, from, to) => {
      // A bound as large as the input: a subtask restored with several sources' splits reads them one
      // after the other, which must not make any record late.
      // Slow enough that the savepoint is taken before the input ends, even on a loaded machine.
      const extra = { bound: 100_000, ratePerSecond: 1000 };
      const first = argsFor(`${window}-sp-${from}`, window, extra);
      const client = await startJob(job, {
        args: first,
        environment: {
          parallelism: from,
          checkpointing: { storage: { kind: 'filesystem', dir: join(root, `chk-sp-${window}-${from}`) } },
        },
      });
      expect((await client.triggerCheckpoint()).status).toBe('completed');
      const outcome = await client.stopWithSavepoint(join(root, `sp-${window}-${from}`));
      if (outcome.status !== 'completed') throw new Error(`savepoint ${outcome.status}`);
      await client.result;
      const second = argsFor(`${window}-resumed-${to}`, window, { ...extra, ratePerSecond: 8000 });
      const resumed = await startJob(job, {
        args: second,
        environment: {
          parallelism: to,
          resume: { path: outcome.checkpoint.pointer },
          checkpointing: {
            intervalMs: 50,
            storage: { kind: 'filesystem', dir: join(root, `chk-resumed-${window}-${to}`) },
          },
        },
      });
      await resumed.result;
      expect(committedLines(first.output, second.output).sort()).toEqual(referenceLines(first));
    },
  );
});
