/**
 * Runs one configuration of the experiment job once: starts it, waits for its first record and the
 * warm-up, opens a measurement window in every sink subtask, and measures over the window the
 * records processed (exact, from shared memory), CPU use, both latency histograms and every
 * checkpoint. Then cancels the job and waits for its threads to be gone (`withJob`).
 */

import { CheckpointLog } from '../checkpoint/checkpoint-log.ts';
import { ratesBetween, readNow } from '../checkpoint/window.ts';
import { withJob } from '../jobs-support/job-session.ts';
import { Probe } from '../jobs-support/probe.ts';
import { sibling } from '../jobs-support/sibling-module.ts';
import { sleep, waitFor } from '../jobs-support/waiting.ts';
import { loadAverage } from '../support/machine.ts';
import { configId, type JobShape, jobArgsFor, type TrialConfig } from './config.ts';
import { HistogramGatherer } from './histogram-gatherer.ts';
import { checkpointFigures, latencyFigures, type TrialRecord } from './trial-result.ts';

const JOB = sibling('experiment.job', import.meta.url);

/** Timing of a trial. */
export interface TrialTiming {
  readonly warmupMs: number;
  /** With checkpoints: completed checkpoints the warm-up also waits for (absent: none). */
  readonly warmupCheckpoints?: number;
  readonly windowMs: number;
  /** A window also spans at least this many checkpoint intervals. */
  readonly intervalsPerWindow: number;
  readonly startTimeoutMs: number;
  /** The alignment timeout of `aligned-timeout` barriers, ms (default 10). */
  readonly alignmentTimeoutMs?: number;
}

/** Called about twice a second during the window with the share of it done (0..1). */
export type TrialTick = (done: number) => void;

/** The window a configuration gets: at least `intervalsPerWindow` checkpoint intervals. */
export function windowFor(config: TrialConfig, timing: TrialTiming): number {
  return Math.max(timing.windowMs, (config.intervalMs ?? 0) * timing.intervalsPerWindow);
}

/** Waits out a measurement window of `windowMs`, ticking about twice a second. */
export async function waitWindow(windowMs: number, tick: TrialTick): Promise<void> {
  for (let elapsed = 0; elapsed < windowMs; elapsed += 500) {
    await sleep(Math.min(500, windowMs - elapsed));
    tick(Math.min(1, (elapsed + 500) / windowMs));
  }
}

/** The checkpointing options of a configuration's barrier kind. */
function barrierOptions(config: TrialConfig, alignmentTimeoutMs: number) {
  switch (config.barriers) {
    case 'unaligned':
      return { unaligned: true };
    case 'aligned-timeout':
      return { alignedCheckpointTimeoutMs: alignmentTimeoutMs };
    default:
      return {};
  }
}

/** Runs `config` once. */
export async function runTrial(
  config: TrialConfig,
  shape: JobShape,
  timing: TrialTiming,
  meta: { readonly group: string; readonly repeat: number },
  tick: TrialTick = () => {},
): Promise<TrialRecord> {
  const args = jobArgsFor(config, shape);
  const probe = new Probe(args.probe);
  const checkpointing =
    config.mode === 'off' || config.intervalMs === null
      ? {}
      : {
          checkpointing: {
            intervalMs: config.intervalMs,
            mode: config.mode,
            storage: { kind: 'memory' as const },
            retained: 1,
            ...barrierOptions(config, timing.alignmentTimeoutMs ?? 10),
          },
        };
  const channel =
    config.inFlightTargetMs === undefined ? {} : { channel: { inFlightTargetMs: config.inFlightTargetMs } };
  // Paired comparisons of thread placement (docs/threads.md): WEIR_BENCH_THREAD_SHARING=0 runs every
  // subtask in a thread of its own; unset, the engine's default.
  const sharing = process.env['WEIR_BENCH_THREAD_SHARING'];
  const threads = sharing === undefined ? {} : { threadSharing: sharing !== '0' };
  const environment = { parallelism: config.parallelism, ...checkpointing, ...channel, ...threads };
  const gatherer = new HistogramGatherer(args.channel, config.parallelism);
  const windowMs = windowFor(config, timing);
  const started = performance.now();
  try {
    return await withJob(JOB, { args, environment }, async (client) => {
      await waitFor(() => probe.totalRecords() > 0, 'the first record', timing.startTimeoutMs);
      const startMs = performance.now() - started;
      await sleep(timing.warmupMs);
      if (config.mode !== 'off' && timing.warmupCheckpoints !== undefined) {
        const warm = timing.warmupCheckpoints;
        await waitFor(
          () => client.checkpointStats().counts.completed >= warm,
          `${warm} completed checkpoints`,
          timing.startTimeoutMs,
        );
      }
      await gatherer.startWindow(timing.startTimeoutMs);
      const log = new CheckpointLog(client);
      const failedBefore = client.checkpointStats().counts.failed;
      const from = readNow(probe);
      await waitWindow(windowMs, tick);
      const throughput = ratesBetween(from, readNow(probe));
      const histograms = await gatherer.gather(timing.startTimeoutMs);
      const { completed } = log.close();
      return {
        id: configId(config),
        group: meta.group,
        config,
        repeat: meta.repeat,
        startMs,
        throughput,
        latency: latencyFigures(histograms),
        earlyRecords: histograms.clamped,
        checkpoints: completed.map(checkpointFigures),
        failedCheckpoints: client.checkpointStats().counts.failed - failedBefore,
        loadAverage: loadAverage(),
      };
    });
  } finally {
    gatherer.close();
  }
}
