// After injected failures (exceptions and worker exits at fixed seeded points) a job restarts from
// its latest checkpoint: exactly-once, the final keyed state and the committed file output equal a
// failure-free run exactly (on the heap, the embedded and the RocksDB state backend); at-least-once, nothing is
// lost and duplicates are counted.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type StateBackendType, startJob } from '../../../src/index.ts';
import { completedCheckpoints, keyedValues } from '../../support/checkpoints.ts';
import { committedLines, expectedChaosLines } from '../../support/committed-lines.ts';
import { osThreadCount, startRocksDbThreads } from '../../support/threads.ts';
import { type ChaosArgs, COUNT, keyOf } from '../jobs/chaos.job.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-chaos-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A text file whose line n is `n` and padding (1.2 MB for 6000 lines: several byte ranges). */
function numbersFile(path: string, count: number): string {
  const padding = 'x'.repeat(200);
  writeFileSync(path, Array.from({ length: count }, (_, n) => `${n} ${padding}\n`).join(''));
  return path;
}

/** Seeded failure points: distinct record numbers, some exceptions, some worker exits. */
function failurePoints(seed: number, count: number): { throwAt: number[]; exitAt: number[] } {
  const points = fc.sample(
    fc.uniqueArray(fc.integer({ min: count / 10, max: count - 1 }), { minLength: 3, maxLength: 3 }),
    {
      seed,
      numRuns: 1,
    },
  )[0]!;
  return { throwAt: points.slice(0, 2), exitAt: points.slice(2) };
}

const runs: Array<
  [
    number,
    'exactly-once' | 'at-least-once',
    number,
    { unaligned?: boolean; incremental?: boolean; stateBackend?: StateBackendType; text?: boolean },
  ]
> = [
  [1, 'exactly-once', 11, {}],
  [2, 'exactly-once', 12, {}],
  [2, 'exactly-once', 13, { unaligned: true }],
  [4, 'exactly-once', 14, {}],
  [4, 'exactly-once', 17, { unaligned: true }],
  [2, 'exactly-once', 18, { incremental: true }],
  [4, 'exactly-once', 19, { incremental: true }],
  [2, 'at-least-once', 15, {}],
  [4, 'at-least-once', 16, {}],
  [1, 'exactly-once', 21, { stateBackend: 'embedded' }],
  [2, 'exactly-once', 22, { stateBackend: 'embedded', incremental: true }],
  [1, 'exactly-once', 23, { stateBackend: 'rocksdb' }],
  [2, 'exactly-once', 24, { stateBackend: 'rocksdb', incremental: true }],
  // The text file source: its subtasks share a queue of byte ranges, restored as union state.
  [2, 'exactly-once', 31, { text: true }],
  [4, 'exactly-once', 32, { text: true, unaligned: true }],
];

describe('recovery under injected failures', () => {
  it.each(runs)('parallelism %i, %s, seed %i %o', async (parallelism, mode, seed, options) => {
    const { stateBackend = 'heap', text = false, ...extra } = options;
    const count = 6000;
    const keys = 13;
    const output = join(root, `out-${parallelism}-${mode}-${seed}`);
    const checkpoints = join(root, `chk-${parallelism}-${mode}-${seed}`);
    const { throwAt, exitAt } = failurePoints(seed, count);
    const args: ChaosArgs = {
      count,
      ratePerSecond: 6000,
      keys,
      output,
      throwAt,
      exitAt,
      fired: new SharedArrayBuffer(4 * (throwAt.length + exitAt.length)),
      ...(text ? { input: numbersFile(join(root, `in-${seed}.txt`), count), busyMicros: 200 } : {}),
    };
    if (stateBackend === 'rocksdb') await startRocksDbThreads();
    const before = osThreadCount();
    const client = await startJob(new URL('../jobs/chaos.job.ts', import.meta.url), {
      args,
      environment: {
        parallelism,
        stateBackend,
        checkpointing: {
          intervalMs: 50,
          mode,
          ...extra,
          retained: 2,
          storage: { kind: 'filesystem', dir: checkpoints },
        },
        restart: { strategy: 'fixed-delay', attempts: 10, delayMs: 10 },
      },
    });
    const restarts: string[] = [];
    client.on('restored', (checkpoint) =>
      restarts.push(checkpoint ? `chk-${checkpoint.checkpointId}` : 'scratch'),
    );
    const result = await client.result;
    if (text) console.info(`text p=${parallelism}: restarts ${restarts.join(', ')}`);
    expect(new Int32Array(args.fired).every((f) => f === 1)).toBe(true);
    // Failures that strike in the same attempt are one incident: one restart.
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(result.attempts).toBeLessThanOrEqual(throwAt.length + exitAt.length + 1);

    const expected = expectedChaosLines(count, keys);
    const lines = committedLines(output);
    const final = (await completedCheckpoints(checkpoints)).at(-1)!;
    const counts = await keyedValues(final, 'counter', COUNT);
    const expectedCounts = new Map<string, number>();
    for (let n = 0; n < count; n++)
      expectedCounts.set(keyOf(n, keys), (expectedCounts.get(keyOf(n, keys)) ?? 0) + 1);
    if (mode === 'exactly-once') {
      expect(lines.sort()).toEqual(expected.sort());
      // Nothing left behind: no transaction of a failed attempt lingers as an in-progress file.
      expect(readdirSync(output).filter((f) => f.endsWith('.inprogress'))).toEqual([]);
      expect(counts).toEqual(expectedCounts);
    } else {
      const got = new Set(lines);
      for (const line of expected) expect(got.has(line), `missing ${line}`).toBe(true);
      console.info(
        `at-least-once p=${parallelism}: ${lines.length - expected.length} duplicate lines after restarts ${restarts.join(', ')}`,
      );
    }
    expect(osThreadCount()).toBeLessThanOrEqual(before);
  });
});
