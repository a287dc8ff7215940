// Keyed state several times a worker's capped heap runs and checkpoints on the on-disk backends
// (LMDB and RocksDB), while the heap backend fails the same job by running out of heap. Modest by
// default (30 MB of state, a 16 MiB heap, where the heap backend already fails);
// WEIR_LARGE_STATE_KEYS=2000000 is the big run (6 GB of state, many minutes per backend), with the
// heap capped the same.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyedPayloadArgs } from '../../../bench/state-backends/keyed-payload.job.ts';
import { executeJob, type StateBackendType } from '../../../src/index.ts';

const KEYS = Number(process.env['WEIR_LARGE_STATE_KEYS'] ?? 10_000);
const PAYLOAD_BYTES = 3000;
const HEAP_MB = 16;
// 512 rows of 3 KB: the row cache must fit the capped heap with room to spare.
const CACHE_ROWS = 512;
const JOB = new URL('../../../bench/state-backends/keyed-payload.job.ts', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'weir-large-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  return total;
}

function run(type: StateBackendType, checkpoints: string): Promise<unknown> {
  const args: KeyedPayloadArgs = { records: KEYS, keys: KEYS, payloadBytes: PAYLOAD_BYTES, parallelism: 1 };
  return executeJob(JOB, {
    args,
    environment: {
      stateBackend: type === 'heap' ? { type } : { type, cacheRows: CACHE_ROWS },
      restart: { strategy: 'none' },
      workerResourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
      checkpointing: {
        // Incremental: a checkpoint writes only the key groups changed since the last one.
        intervalMs: 2000,
        incremental: true,
        retained: 1,
        storage: { kind: 'filesystem', dir: checkpoints },
      },
    },
  });
}

describe(`keyed state of ${KEYS} keys × ${PAYLOAD_BYTES} B with a ${HEAP_MB} MiB worker heap`, () => {
  it.each(['embedded', 'rocksdb'] as const)('runs and checkpoints on the %s backend', async (backend) => {
    const checkpoints = join(root, backend);
    await run(backend, checkpoints);
    // The retained (final) checkpoint holds every key's payload.
    expect(bytesUnder(checkpoints)).toBeGreaterThan(KEYS * PAYLOAD_BYTES);
  });

  it('fails on the heap backend: the state does not fit the heap', async () => {
    const failure = await run('heap', join(root, 'heap')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'ERR_WORKER_EXITED' });
  });
});
