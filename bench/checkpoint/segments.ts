/**
 * The paired experiment: one job per input shape and checkpointing mode, measured in alternating
 * segments without checkpoints and with checkpoints triggered every interval (manual triggers
 * through the same coordinator the periodic ones use, at most one in flight, the next one an
 * interval after the previous trigger or at once if that has passed: what periodic checkpointing
 * with the default pacing does). The same threads, the same JIT state and, within a cycle, nearly the
 * same machine load serve both settings, so the cost of checkpointing is measured without the
 * run-to-run variance of separate jobs. Segments of one cycle run in the settings' order, the next
 * cycle in reverse (ABC CBA), so that a drift within the run does not favour one setting.
 */
import type { JobClient } from '../../src/index.ts';
import { withJob } from '../jobs-support/job-session.ts';
import { Probe } from '../jobs-support/probe.ts';
import { sibling } from '../jobs-support/sibling-module.ts';
import { sleep, waitFor } from '../jobs-support/waiting.ts';
import { loadAverage } from '../support/machine.ts';
import { CheckpointLog } from './checkpoint-log.ts';
import { twoInputArgs } from './job-args.ts';
import type { CheckpointBenchParams, InputShape, StateSize } from './params.ts';
import { ratesBetween, readNow } from './window.ts';

const JOB = sibling('two-input.job', import.meta.url);

/** One measured segment. */
export interface Segment {
  readonly shape: string;
  readonly mode: 'exactly-once' | 'at-least-once';
  /** Trigger interval, ms; null: no checkpoints in this segment. */
  readonly intervalMs: number | null;
  readonly cycle: number;
  readonly recordsPerSecond: number;
  readonly recordsPerCpuSecond: number;
  readonly checkpoints: number;
  /** Trigger to completion of the segment's checkpoints, ms. */
  readonly durationsMs: readonly number[];
  readonly loadAverage: readonly number[];
}

/** Runs the segments of one shape and mode in one job. */
export async function runSegments(
  params: CheckpointBenchParams,
  shape: InputShape,
  state: StateSize,
  mode: Segment['mode'],
  options: {
    readonly incremental?: boolean;
    readonly intervals?: readonly number[];
    readonly label?: string;
  } = {},
): Promise<Segment[]> {
  const args = twoInputArgs(shape, state, params.keyedParallelism);
  const probe = new Probe(args.probe);
  // No interval: checkpoints happen only when a segment triggers them.
  const environment = {
    parallelism: params.keyedParallelism,
    checkpointing: { mode, incremental: options.incremental ?? false, storage: { kind: 'memory' as const } },
  };
  const { segmentMs, cycles } = params.segments;
  const intervals = options.intervals ?? params.segments.intervals;
  const settings: (number | null)[] = [null, ...intervals];
  return withJob(JOB, { args, environment }, async (client) => {
    await waitFor(() => probe.totalRecords() > 0, 'the first record', params.startTimeoutMs);
    await sleep(params.warmupMs);
    const segments: Segment[] = [];
    for (let cycle = 0; cycle < cycles; cycle++) {
      for (const intervalMs of cycle % 2 === 0 ? settings : [...settings].reverse()) {
        const log = new CheckpointLog(client);
        const from = readNow(probe);
        const triggering =
          intervalMs === null ? undefined : triggerEvery(client, intervalMs, from.at + segmentMs);
        await sleep(segmentMs);
        const rates = ratesBetween(from, readNow(probe));
        // The last checkpoint may still be in flight: let it end outside any segment.
        await triggering;
        const { completed } = log.close();
        segments.push({
          shape: options.label ?? shape.name,
          mode,
          intervalMs,
          cycle,
          recordsPerSecond: rates.recordsPerSecond,
          recordsPerCpuSecond: rates.recordsPerCpuSecond,
          checkpoints: completed.length,
          durationsMs: completed.map((c) => c.durationMs),
          loadAverage: loadAverage(),
        });
      }
    }
    return segments;
  });
}

/** Triggers a checkpoint every `intervalMs` until `until` (at most one in flight); resolves when the last ended. */
async function triggerEvery(client: JobClient, intervalMs: number, until: number): Promise<void> {
  let next = performance.now();
  while (next < until) {
    await client.triggerCheckpoint();
    next += intervalMs;
    const now = performance.now();
    if (next < now) next = now;
    if (next < until) await sleep(next - now);
  }
}
