/**
 * A worker that replays, outside the job, what a restoring keyed subtask does with its state
 * (`restoreSubtask`'s keyed path in src/task/checkpointing/restore-state.ts): read the state
 * file, verify its checksum, unpack the snapshot envelope, and restore its key groups into a fresh
 * heap backend (decode, re-hash every key, install). Each step is timed on its own, for every keyed
 * subtask of the checkpoint in turn, so that the restore phase of the benchmark can be split into
 * reading and decoding without changing the engine. It imports engine internals read-only.
 *
 * Thread: its own worker (started by replay.ts), so that a 1 GB state gets the worker heap limit
 * the job's workers get and leaves the benchmark's main thread small.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { loadCheckpoint, readState, resolveHandle } from '../../src/checkpoint/storage/reader.ts';
import { HeapKeyedStateBackend } from '../../src/state/heap/heap-keyed-state-backend.ts';
import { keyGroupRangeForOperator } from '../../src/state/key-groups.ts';
import { keyGroupsInRange } from '../../src/state/keyed-state-backend.ts';
import type { EncodedKeyedState } from '../../src/state/keyed-state-snapshot.ts';
import { decodeSnapshotBytes } from '../../src/task/checkpointing/subtask-checkpointer.ts';
import type { ReplayMessage, ReplayRequest, ReplayResult, SubtaskReplay } from './replay-protocol.ts';

async function replaySubtask(
  pointer: string,
  handle: Parameters<typeof readState>[0],
  range: ReturnType<typeof keyGroupRangeForOperator>,
  maxParallelism: number,
): Promise<SubtaskReplay> {
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  // The plain read first (page cache, as in the job), then the verified read the restore does.
  const raw = handle.kind === 'file' ? await readFile(resolveHandle(handle.path, pointer)) : undefined;
  const rawReadMs = raw === undefined ? 0 : lap();
  const bytes = await readState(handle, pointer);
  const readVerifiedMs = lap();
  const envelope = decodeSnapshotBytes(bytes) as EncodedKeyedState;
  // As restoreSubtask does: the file's checksum covered every blob, which are not checked again.
  const blobs = keyGroupsInRange([envelope], range).map((blob) => ({ ...blob, verified: true }));
  const unpackMs = lap();
  // The job restores lazily (checks now, decodes on first use or in the background); decoding
  // everything at once here is what that costs in all.
  const backend = new HeapKeyedStateBackend({ maxParallelism, keyGroupRange: range });
  await backend.restore(blobs);
  const restoreMs = lap();
  backend.dispose();
  return { bytes: bytes.length, entries: envelope.entries, rawReadMs, readVerifiedMs, unpackMs, restoreMs };
}

async function replay({ pointer, operatorUid }: ReplayRequest): Promise<ReplayResult> {
  const checkpoint = await loadCheckpoint(pointer, { verify: 'sizes' });
  const operator = checkpoint.metadata.operators.find((o) => o.operatorUid === operatorUid);
  if (!operator) throw new Error(`checkpoint ${pointer} has no operator ${operatorUid}`);
  const subtasks: SubtaskReplay[] = [];
  for (const sub of operator.subtasks) {
    if (!sub.keyed) continue;
    const range = keyGroupRangeForOperator(operator.maxParallelism, operator.parallelism, sub.subtask);
    subtasks.push(await replaySubtask(checkpoint.pointer, sub.keyed, range, operator.maxParallelism));
  }
  return { subtasks };
}

// A failure rejects this module's evaluation: the worker's `error` event carries it to replay.ts.
const result = await replay(workerData as ReplayRequest);
parentPort!.postMessage({ type: 'result', result } satisfies ReplayMessage);
