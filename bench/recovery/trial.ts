/**
 * One recovery run at one state size: starts the fill job with filesystem checkpoint storage in a
 * fresh temporary directory, waits until every key holds its payload, takes a checkpoint, lets
 * records flow, injects a failure (one keyed subtask throws), and waits until every keyed subtask
 * of the restarted job has processed a record. Then cancels the job, replays the restore of the
 * same checkpoint step by step outside the job (replay.ts), and deletes the directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointStatsRecord, JobClient } from '../../src/index.ts';
import { withJob } from '../jobs-support/job-session.ts';
import { PeakMemory } from '../jobs-support/peak-memory.ts';
import { createProbeMemory, Probe } from '../jobs-support/probe.ts';
import { sibling } from '../jobs-support/sibling-module.ts';
import { sleep, waitFor } from '../jobs-support/waiting.ts';
import { loadAverage } from '../support/machine.ts';
import type { FillJobArgs } from './fill.job.ts';
import type { RecoveryBenchParams, StateTarget } from './params.ts';
import { replayRestore } from './replay.ts';
import type { ReplayResult } from './replay-protocol.ts';
import { type RecoveryPhases, Timeline } from './timeline.ts';

const JOB = sibling('fill.job', import.meta.url);
/** The keyed operator's uid (and vertex id: the sink is chained to it). */
const KEYED_UID = 'state';
/** Records beyond `keys` to wait for before the checkpoint: every keyed subtask has caught up. */
const FILL_MARGIN = 1.05;

/** What one recovery run measured. */
export interface RecoverySample {
  readonly size: string;
  readonly round: number;
  /** Bytes of the checkpoint restored from. */
  readonly stateBytes: number;
  /** The checkpoint: trigger to commit, and the keyed subtasks' asynchronous parts (write + fsync). */
  readonly checkpointMs: number;
  readonly checkpointAsyncMs: readonly number[];
  readonly phases: RecoveryPhases;
  /** The same restore replayed outside the job, step by step (after the job was cancelled). */
  readonly replay: ReplayResult;
  /** Peak resident set size of the process during the job (fill, checkpoint, failure, restore). */
  readonly peakRssBytes: number;
  readonly loadAverage: readonly number[];
}

export async function runRecoveryTrial(
  params: RecoveryBenchParams,
  size: StateTarget,
  round: number,
): Promise<RecoverySample> {
  const p = params.keyedParallelism;
  const memory = createProbeMemory(p);
  const probe = new Probe(memory);
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-recovery-'));
  const args: FillJobArgs = {
    keys: size.keys,
    payloadBytes: params.payloadBytes,
    ratePerSecond: params.ratePerSecond,
    keyedParallelism: p,
    probe: memory,
  };
  const environment = {
    parallelism: p,
    checkpointing: { storage: { kind: 'filesystem' as const, dir }, retained: 1 },
    restart: { strategy: 'fixed-delay' as const, attempts: 1, delayMs: 0 },
    workerResourceLimits: { maxOldGenerationSizeMb: params.maxOldGenerationSizeMb },
  };
  const memoryPeak = new PeakMemory();
  try {
    const measured = await withJob(JOB, { args, environment }, async (client) => {
      const timeline = new Timeline(client, probe);
      await waitFor(
        () => probe.totalRecords() >= size.keys * FILL_MARGIN,
        `${size.keys} keys of state`,
        params.fillTimeoutMs,
        20,
      );
      const checkpoint = await checkpointNow(client);
      if (checkpoint.stateBytes < size.keys * params.payloadBytes)
        throw new Error(`the checkpoint holds ${checkpoint.stateBytes} bytes, less than the state filled`);
      await sleep(params.settleMs);
      probe.requestFailure();
      const attempt = 2;
      await waitFor(
        () => timeline.recovered(attempt),
        'the first records after the restore',
        params.restoreTimeoutMs,
      );
      return {
        pointer: checkpoint.pointer!,
        size: size.name,
        round,
        stateBytes: checkpoint.stateBytes,
        checkpointMs: checkpoint.durationMs,
        checkpointAsyncMs: checkpoint.subtasks
          .filter((s) => s.task.vertexId === KEYED_UID)
          .map((s) => s.asyncDurationMs),
        phases: timeline.phases(attempt),
        loadAverage: loadAverage(),
      };
    });
    const peakRssBytes = memoryPeak.stop();
    const { pointer, ...sample } = measured;
    const replay = await replayRestore({ pointer, operatorUid: KEYED_UID }, environment.workerResourceLimits);
    return { ...sample, replay, peakRssBytes };
  } finally {
    memoryPeak.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function checkpointNow(client: JobClient): Promise<CheckpointStatsRecord> {
  const outcome = await client.triggerCheckpoint();
  if (outcome.status !== 'completed') throw new Error(`the checkpoint failed: ${outcome.error.message}`);
  const record = client.checkpointStats().latestCompleted;
  if (record === undefined) throw new Error('a completed checkpoint is missing from the statistics');
  return record;
}
