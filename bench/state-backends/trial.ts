/**
 * The trials of the state-backends benchmark. In this thread, one backend of each kind: fill
 * `keys` keys (count + payload), update random keys' counts, take a full snapshot (its synchronous
 * part and its encoding), restore it into a fresh backend of the same kind; heap in use after a
 * forced GC shows what stays in memory. Then the job: records/s of a keyed job on each backend.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { executeJob, type StateBackendType, valueState } from '../../src/index.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap/heap-keyed-state-backend.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state-backend.ts';
import { EmbeddedKeyedStateBackend } from '../../src/state/lmdb/lmdb-keyed-state-backend.ts';
import { payloadFor } from '../jobs-support/keyed-counter.ts';
import type { StateBackendsBenchParams } from './params.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const COUNT = valueState<number>('count', { defaultValue: 0 });
const PAYLOAD = valueState<string>('payload');

/** What one backend measured in this thread. */
export interface BackendSample {
  readonly backend: StateBackendType;
  readonly fillPerSecond: number;
  readonly updatesPerSecond: number;
  readonly snapshotSyncMs: number;
  readonly snapshotEncodeMs: number;
  readonly snapshotBytes: number;
  readonly restoreMs: number;
  /** Heap in use after a forced GC with the filled backend alive, minus before it was created. */
  readonly heapRetainedBytes: number;
}

/** What the job measured on one backend. */
export interface JobSample {
  readonly backend: StateBackendType;
  readonly records: number;
  readonly wallMs: number;
  readonly recordsPerSecond: number;
}

function create(kind: StateBackendType, cacheRows: number): KeyedStateBackend {
  return kind === 'heap' ? new HeapKeyedStateBackend() : new EmbeddedKeyedStateBackend({ cacheRows });
}

function heapUsed(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** Fills, updates, snapshots and restores one backend of `kind`. */
export async function runBackendTrial(
  kind: StateBackendType,
  params: StateBackendsBenchParams,
): Promise<BackendSample> {
  const before = heapUsed();
  const backend = create(kind, params.cacheRows);
  const count = backend.getState(COUNT);
  const payload = backend.getState(PAYLOAD);
  const scratch = Buffer.alloc(params.payloadBytes);
  let started = performance.now();
  for (let key = 0; key < params.keys; key++) {
    backend.setCurrentKey(key);
    payload.update(payloadFor(key, params.payloadBytes, scratch));
    count.update(1);
  }
  const fillPerSecond = params.keys / ((performance.now() - started) / 1000);
  // A fixed pseudo-random walk over the keys (same for both backends).
  let x = 12345;
  started = performance.now();
  for (let i = 0; i < params.updates; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    backend.setCurrentKey(x % params.keys);
    count.update(count.value() + 1);
  }
  const updatesPerSecond = params.updates / ((performance.now() - started) / 1000);
  const heapRetainedBytes = heapUsed() - before;
  started = performance.now();
  const snapshot = backend.snapshot();
  const snapshotSyncMs = performance.now() - started;
  started = performance.now();
  const encoded = await snapshot.encode();
  const snapshotEncodeMs = performance.now() - started;
  backend.dispose();
  const restored = create(kind, params.cacheRows);
  started = performance.now();
  await restored.restore(encoded.keyGroups);
  const restoreMs = performance.now() - started;
  restored.dispose();
  return {
    backend: kind,
    fillPerSecond,
    updatesPerSecond,
    snapshotSyncMs,
    snapshotEncodeMs,
    snapshotBytes: encoded.sizeBytes,
    restoreMs,
    heapRetainedBytes,
  };
}

/** Runs the keyed job on `kind` and times it (wall time, workers' start included). */
export async function runJobTrial(
  kind: StateBackendType,
  params: StateBackendsBenchParams,
): Promise<JobSample> {
  const started = performance.now();
  await executeJob(new URL('./keyed-payload.job.ts', import.meta.url), {
    args: {
      records: params.jobRecords,
      keys: params.jobKeys,
      payloadBytes: params.payloadBytes,
      parallelism: params.jobParallelism,
    },
    environment: {
      stateBackend: kind === 'heap' ? 'heap' : { type: 'embedded', cacheRows: params.cacheRows },
    },
  });
  const wallMs = performance.now() - started;
  return {
    backend: kind,
    records: params.jobRecords,
    wallMs,
    recordsPerSecond: params.jobRecords / (wallMs / 1000),
  };
}
