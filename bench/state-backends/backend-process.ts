/**
 * One backend's trial of the state-backends benchmark, in a process of its own (so that its peak
 * RSS is its own; the parent runs it under GNU time, with the heap capped for the on-disk
 * backends). Phases, each timed: fill every key (a count and a payload), blind count updates of
 * uniform and of Zipf keys, read-modify-write of uniform and of Zipf keys, a full checkpoint
 * (synchronous part + encoding), a base incremental checkpoint, then incremental checkpoints after
 * changing 1 % and 10 % of the keys (written bytes: what is not reused from the base), and a restore
 * of the full checkpoint into a fresh backend. Prints one JSON line: {@link BackendTrialResult}.
 *
 *   node --expose-gc --import tsx bench/state-backends/backend-process.ts '<BackendTrialInput JSON>'
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { valueState } from '../../src/index.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap/heap-keyed-state-backend.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state-backend.ts';
import type { EncodedKeyedState, IncrementalBase } from '../../src/state/keyed-state-snapshot.ts';
import { EmbeddedKeyedStateBackend } from '../../src/state/lmdb/lmdb-keyed-state-backend.ts';
import { payloadFor } from '../jobs-support/keyed-counter.ts';
import { uniformKeys, zipfKeys } from './key-streams.ts';
import type { StateBackendsBenchParams } from './params.ts';

/** What the parent asks for: the benchmark's parameters and a backend. */
export interface BackendTrialInput
  extends Pick<
    StateBackendsBenchParams,
    'keys' | 'payloadBytes' | 'updates' | 'zipfExponent' | 'changedFractions' | 'cacheRows'
  > {
  readonly backend: 'heap' | 'embedded' | 'rocksdb';
}

/** A checkpoint's cost. */
export interface CheckpointSample {
  readonly syncMs: number;
  readonly encodeMs: number;
  /** Bytes written by this checkpoint (for an incremental one: not reused from its base). */
  readonly bytes: number;
  /** Blobs written, and reused from the base (incremental only). */
  readonly blobs: number;
  readonly reused: number;
}

/** What the trial measured. */
export interface BackendTrialResult {
  readonly backend: string;
  readonly fillPerSecond: number;
  readonly updateUniformPerSecond: number;
  readonly updateZipfPerSecond: number;
  readonly rmwUniformPerSecond: number;
  readonly rmwZipfPerSecond: number;
  readonly full: CheckpointSample;
  readonly incremental: readonly (CheckpointSample & { readonly changedFraction: number })[];
  readonly restoreMs: number;
  /** Heap in use after a forced GC with the filled backend alive. */
  readonly heapUsedBytes: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const COUNT = valueState<number>('count', { defaultValue: 0 });
const PAYLOAD = valueState<string>('payload');

async function create(input: BackendTrialInput): Promise<KeyedStateBackend> {
  if (input.backend === 'heap') return new HeapKeyedStateBackend();
  const backend = new EmbeddedKeyedStateBackend({
    cacheRows: input.cacheRows,
    engine: input.backend === 'rocksdb' ? 'rocksdb' : 'lmdb',
  });
  await backend.open();
  return backend;
}

function perSecond(count: number, startedMs: number): number {
  return count / ((performance.now() - startedMs) / 1000);
}

async function checkpoint(
  backend: KeyedStateBackend,
  incremental?: { base?: IncrementalBase },
): Promise<{ sample: CheckpointSample; encoded: EncodedKeyedState; sequence: number }> {
  let started = performance.now();
  const snapshot = backend.snapshot();
  const syncMs = performance.now() - started;
  started = performance.now();
  const encoded = await snapshot.encode(incremental === undefined ? {} : { incremental });
  const encodeMs = performance.now() - started;
  const sample = {
    syncMs,
    encodeMs,
    bytes: encoded.sizeBytes,
    blobs: encoded.keyGroups.length,
    reused: encoded.reused?.length ?? 0,
  };
  return { sample, encoded, sequence: snapshot.sequence ?? 0 };
}

/**
 * The base an incremental checkpoint may reuse: every blob of `encoded`, and those it reused (the
 * caller still has them, from earlier checkpoints).
 */
function baseOf(encoded: EncodedKeyedState, sequence: number): IncrementalBase {
  const blobs = new Set<string>();
  for (const h of encoded.keyGroups) blobs.add(`${h.state}/${h.keyGroup}`);
  for (const r of encoded.reused ?? []) blobs.add(`${r.state}/${r.keyGroup}`);
  return { sequence, has: (state, keyGroup) => blobs.has(`${state}/${keyGroup}`) };
}

async function run(input: BackendTrialInput): Promise<BackendTrialResult> {
  const { keys, updates } = input;
  const backend = await create(input);
  const count = backend.getState(COUNT);
  const payload = backend.getState(PAYLOAD);
  const scratch = Buffer.alloc(input.payloadBytes);
  let started = performance.now();
  for (let key = 0; key < keys; key++) {
    backend.setCurrentKey(key);
    payload.update(payloadFor(key, input.payloadBytes, scratch));
    count.update(1);
  }
  const fillPerSecond = perSecond(keys, started);
  const timed = (next: () => number, rmw: boolean): number => {
    const t0 = performance.now();
    for (let i = 0; i < updates; i++) {
      backend.setCurrentKey(next());
      count.update(rmw ? count.value() + 1 : i);
    }
    return perSecond(updates, t0);
  };
  const updateUniformPerSecond = timed(uniformKeys(keys, 1), false);
  const updateZipfPerSecond = timed(zipfKeys(keys, input.zipfExponent, 2), false);
  const rmwUniformPerSecond = timed(uniformKeys(keys, 3), true);
  const rmwZipfPerSecond = timed(zipfKeys(keys, input.zipfExponent, 4), true);
  gc();
  const heapUsedBytes = process.memoryUsage().heapUsed;

  const full = await checkpoint(backend);
  let last = await checkpoint(backend, {});
  let base = baseOf(last.encoded, last.sequence);
  const incremental: (CheckpointSample & { changedFraction: number })[] = [];
  for (const [i, changedFraction] of input.changedFractions.entries()) {
    const next = uniformKeys(keys, 10 + i);
    for (let n = Math.round(keys * changedFraction); n > 0; n--) {
      backend.setCurrentKey(next());
      count.update(count.value() + 1);
    }
    last = await checkpoint(backend, { base });
    incremental.push({ ...last.sample, changedFraction });
    base = baseOf(last.encoded, last.sequence);
  }
  backend.dispose();

  const restored = await create(input);
  started = performance.now();
  await restored.restore(full.encoded.keyGroups);
  const restoreMs = performance.now() - started;
  restored.dispose();
  return {
    backend: input.backend,
    fillPerSecond,
    updateUniformPerSecond,
    updateZipfPerSecond,
    rmwUniformPerSecond,
    rmwZipfPerSecond,
    full: full.sample,
    incremental,
    restoreMs,
    heapUsedBytes,
  };
}

const input = JSON.parse(process.argv[2] ?? '') as BackendTrialInput;
const result = await run(input);
console.log(JSON.stringify(result));
// RocksDB closes on libuv's pool; nothing else keeps the process: exit once it printed.
process.exit(0);
