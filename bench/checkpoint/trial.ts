/**
 * One measured run of one configuration: starts the two-input job, waits for its first record and
 * the warm-up, then measures a window: records processed by the keyed subtasks (read from shared
 * memory, exact), wall time, CPU time and run-queue wait of every thread of the process, and every
 * checkpoint triggered in the window with its per-subtask figures. Then cancels the job.
 */
import type { CheckpointStatsRecord } from '../../src/index.ts';
import { withJob } from '../jobs-support/job-session.ts';
import { Probe } from '../jobs-support/probe.ts';
import { sibling } from '../jobs-support/sibling-module.ts';
import { sleep, waitFor } from '../jobs-support/waiting.ts';
import { loadAverage } from '../support/machine.ts';
import { CheckpointLog } from './checkpoint-log.ts';
import { twoInputArgs } from './job-args.ts';
import type { CheckpointBenchParams } from './params.ts';
import type { Config } from './plan.ts';
import { ratesBetween, readNow, type WindowRates } from './window.ts';

const JOB = sibling('two-input.job', import.meta.url);

/** What one run of one configuration measured. */
export interface Sample extends WindowRates {
  readonly configId: string;
  readonly round: number;
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
  const args = twoInputArgs(config.shape, config.state, params.keyedParallelism);
  const probe = new Probe(args.probe);
  const { mode, intervalMs, incremental = false } = config.setting;
  const checkpointing =
    mode === 'off' || intervalMs === null
      ? {}
      : {
          checkpointing: { intervalMs, mode, incremental, storage: { kind: 'memory' as const }, retained: 1 },
        };
  const environment = { parallelism: params.keyedParallelism, ...checkpointing };
  const started = performance.now();
  return withJob(JOB, { args, environment }, async (client) => {
    await waitFor(() => probe.totalRecords() > 0, 'the first record', params.startTimeoutMs);
    const startMs = performance.now() - started;
    await sleep(params.warmupMs);
    const log = new CheckpointLog(client);
    const failedBefore = client.checkpointStats().counts.failed;
    const from = readNow(probe);
    await sleep(config.windowMs);
    const rates = ratesBetween(from, readNow(probe));
    const { completed } = log.close();
    return {
      ...rates,
      configId: config.id,
      round,
      startMs,
      completed,
      failed: client.checkpointStats().counts.failed - failedBefore,
      loadAverage: loadAverage(),
    };
  });
}
