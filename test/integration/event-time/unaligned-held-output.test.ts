// An unaligned barrier that goes ahead of timestamped records a backpressured source holds back
// (output channel state, replayed through TaskTime.unwrap on restore) keeps their timestamps: after
// a failure restores from such a checkpoint, every window's count is exact (a record without its
// timestamp would fail the window, one replayed twice or lost would change a count).
import { describe, expect, it } from 'vitest';
import { startJob } from '../../../src/index.ts';
import type { HeldOutputArgs } from '../jobs/held-output.job.ts';

const job = new URL('../jobs/held-output.job.ts', import.meta.url);
const RECORDS = 20_000;
const KEYS = 4;
const WINDOW_MS = 500;

describe('unaligned barrier ahead of held-back timestamped output', () => {
  it('restores the held records with their timestamps: every window count exact', async () => {
    const fail = new SharedArrayBuffer(4);
    const args: HeldOutputArgs = { records: RECORDS, keys: KEYS, windowMs: WINDOW_MS, busyMicros: 100, fail };
    const client = await startJob(job, {
      args,
      environment: {
        parallelism: 2,
        ringCapacity: 4096,
        channel: { inFlightTargetMs: false },
        // Checkpoints only when the test asks (a long interval): the failure restores the one it chose.
        checkpointing: {
          intervalMs: 600_000,
          mode: 'exactly-once',
          unaligned: true,
          storage: { kind: 'memory' },
        },
        restart: { strategy: 'fixed-delay', attempts: 3, delayMs: 10 },
      },
    });
    // Trigger until a checkpoint's source subtask acknowledged in-flight output (held records).
    let held: number | undefined;
    for (let i = 0; i < 50 && held === undefined; i++) {
      const outcome = await client.triggerCheckpoint();
      if (outcome.status !== 'completed') continue;
      const record = client
        .checkpointStats()
        .history.find((r) => r.checkpointId === outcome.checkpoint.checkpointId);
      const source = record?.subtasks.find((s) => s.task.vertexId === 'numbers');
      if ((source?.inFlightBytes ?? 0) > 0) held = outcome.checkpoint.checkpointId;
    }
    expect(held, 'no checkpoint caught the source holding records back').toBeDefined();
    const restored = new Promise<number | undefined>((resolve) =>
      client.on('restored', (checkpoint) => resolve(checkpoint?.checkpointId)),
    );
    Atomics.store(new Int32Array(fail), 0, 1);
    expect(await restored).toBe(held);
    const result = await client.result;
    expect(result.attempts).toBe(2);

    const expected = new Map<string, number>();
    for (let n = 0; n < RECORDS; n++) {
      const id = `${n % KEYS} ${n - (n % WINDOW_MS)}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    const lines = result.collected<string>('windows');
    expect([...lines].sort()).toEqual([...expected].map(([id, count]) => `${id} ${count}`).sort());
  });
});
