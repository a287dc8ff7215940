/**
 * The synchronous part of a keyed snapshot in isolation: a heap keyed-state backend (the engine's,
 * imported read-only) filled with the benchmark's state (count + payload per key) in one subtask
 * owning every key group, then `snapshot()` timed again and again, with records updating state
 * between snapshots (so that copy-on-write has tables to copy) and each snapshot released before
 * the next. It runs on the benchmark's main thread with no job around it, and reads the thread's
 * run-queue wait, so the figures are the part's own cost, apart from the preemptions a loaded
 * machine adds to the in-job figures.
 */
import { HeapKeyedStateBackend } from '../../src/state/heap/heap-keyed-state-backend.ts';
import { COUNT, PAYLOAD, payloadFor } from '../jobs-support/keyed-counter.ts';
import { threadTimes } from '../support/thread-cpu.ts';
import type { StateSize } from './params.ts';
import { type Distribution, distribution } from './summary.ts';

/** What the isolated synchronous part measured for one state size. */
export interface SyncPartResult {
  readonly state: string;
  readonly keys: number;
  readonly keyGroups: number;
  /** Wall time of one `snapshot()`. */
  readonly wallMs: Distribution;
  /** Mean thread CPU time of one `snapshot()` and `release()`, over a separate loop of `CPU_LOOP_MS`. */
  readonly meanCpuMs: number;
  /** Run-queue wait of the thread during the timed snapshots, ms (others' load). */
  readonly waitedMs: number;
}

/** Records updating state between two snapshots (about what one keyed subtask does in 1 ms). */
const UPDATES_BETWEEN = 2000;
const MAX_PARALLELISM = 128;
/** Wall time of the loop that measures CPU time: ~75 scheduler ticks, so the clock's steps are ~1 %. */
const CPU_LOOP_MS = 300;

export function measureSyncPart(state: StateSize, repetitions: number): SyncPartResult {
  const backend = new HeapKeyedStateBackend<number>({ maxParallelism: MAX_PARALLELISM });
  const count = backend.getState(COUNT);
  const payload = backend.getState(PAYLOAD);
  const scratch = Buffer.alloc(Math.max(1, state.payloadBytes));
  for (let key = 0; key < state.keys; key++) {
    backend.setCurrentKey(key);
    count.update(1);
    if (state.payloadBytes > 0) payload.update(payloadFor(key, state.payloadBytes, scratch));
  }
  const wall: number[] = [];
  let next = 0;
  const before = threadTimes();
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    const snapshot = backend.snapshot();
    wall.push(performance.now() - started);
    for (let u = 0; u < UPDATES_BETWEEN; u++) {
      backend.setCurrentKey(next);
      count.update(count.value() + 1);
      next = (next + 7919) % state.keys;
    }
    snapshot.release();
  }
  const after = threadTimes();
  // CPU time apart, without the updates (a snapshot's cost does not depend on them), over a stretch
  // long enough for the thread clock: /proc's schedstat advances a running thread's time at
  // scheduler ticks (4 ms), so a few hundred snapshots of ~10 µs would read as 0, 4 or 8 ms.
  const cpuBefore = threadTimes();
  const cpuUntil = performance.now() + CPU_LOOP_MS;
  let cpuRepetitions = 0;
  while (performance.now() < cpuUntil) {
    backend.snapshot().release();
    cpuRepetitions++;
  }
  const cpuAfter = threadTimes();
  backend.dispose();
  return {
    state: state.name,
    keys: state.keys,
    keyGroups: MAX_PARALLELISM,
    wallMs: distribution(wall),
    meanCpuMs: cpuBefore && cpuAfter ? (cpuAfter.cpuMs - cpuBefore.cpuMs) / cpuRepetitions : Number.NaN,
    waitedMs: before && after ? after.waitMs - before.waitMs : Number.NaN,
  };
}
