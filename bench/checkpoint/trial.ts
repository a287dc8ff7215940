/**
 * One measured run of one configuration: starts the two-input job, waits for its first record and
 * the warm-up, then measures a window: records processed by the keyed subtasks (read from shared
 * memory, exact), wall time, CPU time and run-queue wait of every thread of the process, and every
 * checkpoint triggered in the window with its per-subtask figures. Then cancels the job.
 */
import type { CheckpointStatsRecord } from '../../src/index.ts';
import { withJob } from '../jobs-support/job-session.ts';
import { loadAverage } from '../jobs-support/load.ts';
import { createProbeMemory, Probe } from '../jobs-support/probe.ts';
import { cpuBetween, type ProcessCpu, processCpu } from '../jobs-support/process-cpu.ts';
import { sibling } from '../jobs-support/sibling-module.ts';
import { sleep, waitFor } from '../jobs-support/waiting.ts';
import { CheckpointLog } from './checkpoint-log.ts';
import type { CheckpointBenchParams } from './params.ts';
import type { Config } from './plan.ts';
import type { TwoInputJobArgs } from './two-input.job.ts';

const JOB = sibling('two-input.job', import.meta.url);

/** What one run of one configuration measured. */
export interface Sample {
  readonly configId: string;
  readonly round: number;
  /** Records the keyed subtasks processed in the window. */
  readonly records: number;
  readonly windowMs: number;
  /** Records per second of wall time. */
  readonly recordsPerSecond: number;
  /** Records per second of CPU time (all threads): the rate the CPU spent allowed, whatever the load. */
  readonly recordsPerCpuSecond: number;
  /** Cores the process used on average (CPU time / wall time). */
  readonly coresUsed: number;
  /** Cores' worth of time the process's threads waited, runnable, for a core (machine load). */
  readonly coresWaited: number;
  /** From the job's start to its first record, ms (thread start-up). */
  readonly startMs: number;
  readonly completed: readonly CheckpointStatsRecord[];
  /** Checkpoints that failed during the window (from the counts, which also see expired ones). */
  readonly failed: number;
  readonly loadAverage: readonly number[];
}

/** Runs `config` once. */
export async function runTrial(
  params: CheckpointBenchParams,
  config: Config,
  round: number,
): Promise<Sample> {
  const p = params.keyedParallelism;
  const memory = createProbeMemory(p);
  const probe = new Probe(memory);
  const args: TwoInputJobArgs = {
    keys: config.state.keys,
    hotKeyShare: config.shape.hotKeyShare,
    payloadBytes: config.state.payloadBytes,
    rightRatePerSecond: config.shape.rightRatePerSecond,
    keyedParallelism: p,
    probe: memory,
  };
  const { mode, intervalMs } = config.setting;
  const checkpointing =
    mode === 'off' || intervalMs === null
      ? {}
      : { checkpointing: { intervalMs, mode, storage: { kind: 'memory' as const }, retained: 1 } };
  const started = performance.now();
  return withJob(JOB, { args, environment: { parallelism: p, ...checkpointing } }, async (client) => {
    await waitFor(() => probe.totalRecords() > 0, 'the first record', params.startTimeoutMs);
    const startMs = performance.now() - started;
    await sleep(params.warmupMs);
    const log = new CheckpointLog(client);
    const failedBefore = client.checkpointStats().counts.failed;
    const from = { records: probe.totalRecords(), at: performance.now(), cpu: processCpu() };
    await sleep(config.windowMs);
    const to = { records: probe.totalRecords(), at: performance.now(), cpu: processCpu() };
    const { completed } = log.close();
    const failed = client.checkpointStats().counts.failed - failedBefore;
    return summariseWindow(config.id, round, from, to, startMs, completed, failed);
  });
}

interface Reading {
  readonly records: number;
  readonly at: number;
  readonly cpu: ProcessCpu;
}

function summariseWindow(
  configId: string,
  round: number,
  from: Reading,
  to: Reading,
  startMs: number,
  completed: CheckpointStatsRecord[],
  failed: number,
): Sample {
  const records = to.records - from.records;
  const windowMs = to.at - from.at;
  const cpu = cpuBetween(from.cpu, to.cpu);
  return {
    configId,
    round,
    records,
    windowMs,
    recordsPerSecond: records / (windowMs / 1000),
    recordsPerCpuSecond: cpu.runMs > 0 ? records / (cpu.runMs / 1000) : Number.NaN,
    coresUsed: cpu.runMs / windowMs,
    coresWaited: cpu.waitMs / windowMs,
    startMs,
    completed,
    failed,
    loadAverage: loadAverage(),
  };
}
