// A non-parallel iterable source runs as one subtask rebalanced to the job's parallelism, and a
// failure after a checkpoint restarts from it with exact counts: the final checkpoint's count of
// every word equals a failure-free count, with and without local aggregation before the exchange.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompletedCheckpoint, startJob } from '../../../src/index.ts';
import { completedCheckpoints, keyedValues } from '../../support/checkpoints.ts';
import { COUNT, type IterableCountArgs, wordOf } from '../jobs/iterable-count.job.ts';

const job = new URL('../jobs/iterable-count.job.ts', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'weir-iterable-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 60 s of local aggregation: partials leave only at barriers and at the end of input.
describe.each([
  [2, undefined],
  [2, 5],
  [3, 60_000],
])('iterable source at parallelism %i, local aggregation %s ms', (parallelism, localAggregationMs) => {
  it('restores a mid-stream checkpoint after a failure with exact counts', async () => {
    const armed = new SharedArrayBuffer(12);
    const args: IterableCountArgs = { count: 20_000, keys: 37, armed, busyMicros: 10 };
    const dir = join(root, `p${parallelism}-${localAggregationMs ?? 'off'}`);
    const client = await startJob(job, {
      args,
      environment: {
        parallelism,
        ...(localAggregationMs === undefined ? {} : { localAggregationMs }),
        checkpointing: { intervalMs: 30, storage: { kind: 'filesystem', dir } },
        restart: { strategy: 'fixed-delay', attempts: 2, delayMs: 10 },
      },
    });
    const restored: (CompletedCheckpoint | undefined)[] = [];
    client.on('checkpoint', () => Atomics.store(new Int32Array(armed), 0, 1));
    client.on('restored', (checkpoint) => restored.push(checkpoint));
    const result = await client.result;
    expect(result.attempts).toBe(2);
    expect(restored).toHaveLength(1);
    expect(restored[0]?.checkpointId).toBeGreaterThan(0);
    const source = result.operators.find((o) => o.uid === 'words');
    expect(source?.parallelism).toBe(1);
    expect(result.operators.find((o) => o.uid === 'tag')?.parallelism).toBe(parallelism);
    const expected = new Map<string, number>();
    for (let n = 0; n < args.count; n++) {
      const word = wordOf(n, args.keys);
      expected.set(word, (expected.get(word) ?? 0) + 1);
    }
    const final = (await completedCheckpoints(dir)).at(-1)!;
    expect(await keyedValues(final, 'counter', COUNT)).toEqual(expected);
  });
});
