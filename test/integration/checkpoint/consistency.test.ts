// Every completed exactly-once checkpoint holds, for each key, exactly the count of the records
// of that key before the checkpointed source positions; at-least-once holds it as a lower bound.
// The exactly-once and incremental cases run on the embedded (LMDB) and RocksDB backends too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompletedCheckpoint } from '../../../src/checkpoint/storage/checkpoint-storage.ts';
import type { SequenceSplit } from '../../../src/connectors/builtin/sequence-source.ts';
import {
  type CheckpointingMode,
  type JobClient,
  type StateBackendType,
  startJob,
} from '../../../src/index.ts';
import {
  channelRecords,
  completedCheckpoints,
  keyedValues,
  sourceSplits,
} from '../../support/checkpoints.ts';
import { COUNT, type KeyedCountArgs, keyOf, RIGHT_START } from '../jobs/keyed-count.job.ts';

/** Triggers checkpoints until one that completed satisfies `done` (at most 1000 tries). */
async function triggerUntil(
  client: JobClient,
  done: (checkpoint: CompletedCheckpoint) => Promise<boolean>,
): Promise<void> {
  for (let tries = 0; tries < 1000; tries++) {
    const outcome = await client.triggerCheckpoint();
    if (outcome.status === 'completed' && (await done(outcome.checkpoint))) return;
  }
  throw new Error('no checkpoint satisfied the condition in 1000 tries');
}

/** Triggers checkpoints until `count` of them completed (at most 100 tries). */
async function triggerCompleted(client: JobClient, count: number): Promise<void> {
  let completed = 0;
  for (let tries = 0; completed < count && tries < 100; tries++) {
    if ((await client.triggerCheckpoint()).status === 'completed') completed++;
  }
}

const root = mkdtempSync(join(tmpdir(), 'weir-consistency-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Counts per key of the records a source had emitted before its splits' positions. */
function countsBefore(
  splits: readonly SequenceSplit[],
  from: number,
  parallelism: number,
  args: KeyedCountArgs,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const split of splits) {
    const first = from + ((((split.next - from) % split.stride) + split.stride) % split.stride);
    for (let n = first; n < split.next; n += split.stride)
      counts.set(keyOf(n, args), (counts.get(keyOf(n, args)) ?? 0) + 1);
  }
  expect(splits).toHaveLength(parallelism);
  return counts;
}

function sum(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, (out.get(k) ?? 0) + v);
  return out;
}

const ALL_MODES = [
  ['exactly-once', false],
  ['exactly-once', true],
  ['at-least-once', false],
  ['at-least-once', true],
] as const;

/** Parallelism, state backend, and the (mode, skewed) cases run there. */
const setups: [number, StateBackendType, readonly (readonly [CheckpointingMode, boolean])[]][] = [
  [1, 'heap', ALL_MODES],
  [2, 'heap', ALL_MODES],
  [4, 'heap', ALL_MODES],
  [1, 'embedded', ALL_MODES.slice(0, 2)],
  [2, 'embedded', ALL_MODES.slice(0, 2)],
  [2, 'rocksdb', ALL_MODES.slice(0, 1)],
];

describe.each(setups)('checkpoints at parallelism %i, %s backend', (parallelism, stateBackend, cases) => {
  it.each(cases)('%s checkpoints are consistent (skewed: %s)', async (mode, skew) => {
    const dir = join(root, `${mode}-${parallelism}-${skew}-${stateBackend}`);
    const args: KeyedCountArgs = { ratePerSecond: 20_000, skew };
    const client = await startJob(new URL('../jobs/keyed-count.job.ts', import.meta.url), {
      args,
      environment: {
        parallelism,
        stateBackend,
        checkpointing: { intervalMs: 20, mode, retained: 10_000, storage: { kind: 'filesystem', dir } },
      },
    });
    // Periodic checkpoints run meanwhile; manual ones make sure there are enough, without timing.
    await triggerCompleted(client, 6);
    await client.cancel();
    const checkpoints = await completedCheckpoints(dir);
    expect(checkpoints.length).toBeGreaterThanOrEqual(6);
    let maxExcess = 0;
    for (const checkpoint of checkpoints) {
      const left = countsBefore(await sourceSplits<SequenceSplit>(checkpoint, 'left'), 0, parallelism, args);
      const right = countsBefore(
        await sourceSplits<SequenceSplit>(checkpoint, 'right'),
        RIGHT_START,
        parallelism,
        args,
      );
      const expected = sum(left, right);
      const counted = await keyedValues(checkpoint, 'counter', COUNT);
      if (mode === 'exactly-once') {
        expect(counted, `checkpoint ${checkpoint.checkpointId}`).toEqual(expected);
      } else {
        for (const [key, n] of expected) {
          expect(
            counted.get(key) ?? 0,
            `checkpoint ${checkpoint.checkpointId} key ${key}`,
          ).toBeGreaterThanOrEqual(n);
          maxExcess = Math.max(maxExcess, (counted.get(key) ?? 0) - n);
        }
      }
    }
    if (mode === 'at-least-once') {
      console.info(
        `at-least-once p=${parallelism} skew=${skew}: ${checkpoints.length} checkpoints, largest over-count ${maxExcess}`,
      );
    }
  });
});

describe.each([1, 2, 4])('unaligned checkpoints at parallelism %i', (parallelism) => {
  it.each([
    ['unaligned', { unaligned: true }],
    ['aligned with a 0 ms alignment timeout', { alignedCheckpointTimeoutMs: 0 }],
  ] as const)(
    '%s: state plus captured in-flight records equal the records before the source positions',
    async (_name, extra) => {
      const dir = join(root, `unaligned-${parallelism}-${_name.length}`);
      const args: KeyedCountArgs = { ratePerSecond: 20_000, skew: true };
      const client = await startJob(new URL('../jobs/keyed-count.job.ts', import.meta.url), {
        args,
        environment: {
          parallelism,
          checkpointing: { intervalMs: 20, ...extra, retained: 10_000, storage: { kind: 'filesystem', dir } },
        },
      });
      await triggerCompleted(client, 6);
      await client.cancel();
      let captured = 0;
      for (const checkpoint of await completedCheckpoints(dir)) {
        const left = countsBefore(
          await sourceSplits<SequenceSplit>(checkpoint, 'left'),
          0,
          parallelism,
          args,
        );
        const right = countsBefore(
          await sourceSplits<SequenceSplit>(checkpoint, 'right'),
          RIGHT_START,
          parallelism,
          args,
        );
        const counted = await keyedValues(checkpoint, 'counter', COUNT);
        // In flight: numbers at the union's map (and held back in the sources' writers, which an
        // unaligned barrier goes ahead of), and tagged records at the counter's inputs.
        const numbers = [
          ...(await channelRecords(checkpoint, 'map-2')),
          ...(await channelRecords(checkpoint, 'left')),
          ...(await channelRecords(checkpoint, 'right')),
        ];
        for (const n of numbers as number[]) {
          counted.set(keyOf(n, args), (counted.get(keyOf(n, args)) ?? 0) + 1);
          captured++;
        }
        for (const r of (await channelRecords(checkpoint, 'counter')) as Array<{ key: string }>) {
          counted.set(r.key, (counted.get(r.key) ?? 0) + 1);
          captured++;
        }
        expect(counted, `checkpoint ${checkpoint.checkpointId}`).toEqual(sum(left, right));
      }
      console.info(`unaligned p=${parallelism} (${_name}): ${captured} in-flight records captured`);
    },
  );
});

describe.each([
  [1, 'heap'],
  [2, 'heap'],
  [4, 'heap'],
  [2, 'embedded'],
  [2, 'rocksdb'],
] as const)('incremental checkpoints at parallelism %i, %s backend', (parallelism, stateBackend) => {
  it('every checkpoint, reading the files it shares with earlier ones, holds exactly the counts', async () => {
    const dir = join(root, `incremental-${parallelism}-${stateBackend}`);
    // The first 200 numbers of each source spread over 300 keys; every later one goes to one key,
    // so that from then on every key group but one stays unchanged between checkpoints, whatever
    // the timing (many changes per interval would leave no segment worth sharing).
    const args: KeyedCountArgs = { ratePerSecond: 400, keys: 300, skew: false, spread: 200 };
    const client = await startJob(new URL('../jobs/keyed-count.job.ts', import.meta.url), {
      args,
      environment: {
        parallelism,
        stateBackend,
        checkpointing: {
          intervalMs: 20,
          incremental: true,
          retained: 10_000,
          storage: { kind: 'filesystem', dir, inlineThresholdBytes: 0 },
        },
      },
    });
    // Checkpoints until one is past the spread on every split, then three more: their bases hold
    // the spread keys' groups, unchanged since.
    await triggerUntil(client, async (checkpoint) => {
      const splits = [
        ...(await sourceSplits<SequenceSplit>(checkpoint, 'left')),
        ...(await sourceSplits<SequenceSplit>(checkpoint, 'right')).map((s) => ({
          ...s,
          next: s.next - RIGHT_START,
        })),
      ];
      return splits.every((s) => s.next >= args.spread!);
    });
    await triggerCompleted(client, 3);
    await client.cancel();
    let shared = 0;
    for (const checkpoint of await completedCheckpoints(dir)) {
      const left = countsBefore(await sourceSplits<SequenceSplit>(checkpoint, 'left'), 0, parallelism, args);
      const right = countsBefore(
        await sourceSplits<SequenceSplit>(checkpoint, 'right'),
        RIGHT_START,
        parallelism,
        args,
      );
      for (const op of checkpoint.metadata.operators)
        for (const sub of op.subtasks) shared += sub.keyedShared?.length ?? 0;
      const counted = await keyedValues(checkpoint, 'counter', COUNT);
      expect(counted, `checkpoint ${checkpoint.checkpointId}`).toEqual(sum(left, right));
    }
    expect(shared).toBeGreaterThan(0);
  });
});
