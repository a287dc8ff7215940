/**
 * Checkpoint benchmark: a two-input keyed job (two unbounded sources unioned → keyBy → count +
 * payload per key in keyed state) run with checkpoints off, exactly-once and at-least-once at
 * intervals of 100 ms, 1 s and 10 s, on balanced and skewed inputs, and at larger states. Reports
 * throughput (records/s and records per CPU-second) and its cost against checkpoints off, and the
 * checkpoints' duration, alignment, synchronous part per subtask and size. Memory checkpoint
 * storage throughout: the subject is the runtime's cost, not the disk's.
 *
 *   npm run bench -- checkpoint [--quick] [--json] [--rounds N] [--only=substring,...] [--skip-matrix]
 *                               [--skip-segments] [--segment-shapes=balanced,...] [--cycles N]
 *                               [--segment-modes=exactly-once,...] [--segment-intervals=1000,...] [--skip-sync]
 *                               [--segment-states=10MB-incremental,100MB-incremental,100MB-full|none]
 */

import { type CheckpointBenchParams, FULL, QUICK, SHAPES } from './checkpoint/params.ts';
import { type Config, planConfigs, settingLabel } from './checkpoint/plan.ts';
import { checkpointTable, segmentTable, syncPartTable, throughputTable } from './checkpoint/report.ts';
import { summariseSegments } from './checkpoint/segment-summary.ts';
import { runSegments, type Segment } from './checkpoint/segments.ts';
import { summarise } from './checkpoint/summary.ts';
import { measureSyncPart } from './checkpoint/sync-part.ts';
import { checkTargets, targetsText } from './checkpoint/targets.ts';
import { runTrial, type Sample } from './checkpoint/trial.ts';
import { formatSourceVersion, sourceVersion } from './jobs-support/source-version.ts';
import { type BenchArgs, flagList, flagNumber } from './support/args.ts';
import { formatDuration, formatRate } from './support/format.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';

export const description =
  'two-input keyed job: throughput and checkpoint figures, off / exactly-once / at-least-once';

function paramsFor(args: BenchArgs): CheckpointBenchParams {
  const base = args.quick ? QUICK : FULL;
  const shapes = Object.values(SHAPES);
  const segmentShapes = flagList(args, 'segment-shapes');
  const segmentModes = flagList(args, 'segment-modes') as
    | CheckpointBenchParams['segments']['modes']
    | undefined;
  const segmentIntervals = flagList(args, 'segment-intervals')?.map(Number);
  // `--segment-states=10MB-incremental,100MB-full` (or `none`): which larger-state jobs run.
  const segmentStates = flagList(args, 'segment-states');
  const stateId = (s: CheckpointBenchParams['segments']['states'][number]): string =>
    `${s.state.name.replaceAll(' ', '')}-${s.incremental ? 'incremental' : 'full'}`;
  return {
    ...base,
    rounds: Math.round(flagNumber(args, 'rounds', base.rounds)),
    segments: {
      ...base.segments,
      shapes: segmentShapes ? shapes.filter((s) => segmentShapes.includes(s.name)) : base.segments.shapes,
      modes: segmentModes ?? base.segments.modes,
      intervals: segmentIntervals ?? base.segments.intervals,
      cycles: Math.round(flagNumber(args, 'cycles', base.segments.cycles)),
      states: segmentStates
        ? base.segments.states.filter((s) => segmentStates.includes(stateId(s)))
        : base.segments.states,
    },
  };
}

/** One job's segments as a progress line: `off 7.2 M, 1.00 s 7.4 M, ...`. */
function segmentLine(measured: readonly Segment[]): string {
  return measured
    .map(
      (s) =>
        `${s.intervalMs === null ? 'off' : formatDuration(s.intervalMs)} ${formatRate(s.recordsPerSecond)}`,
    )
    .join(', ');
}

function selectConfigs(args: BenchArgs, params: CheckpointBenchParams): Config[] {
  const all = planConfigs(params);
  const only = flagList(args, 'only');
  if (only === undefined) return all;
  // Keep the baselines of what was selected, so that costs can still be computed.
  const chosen = all.filter((c) => only.some((o) => c.id.includes(o)));
  const ids = new Set(chosen.flatMap((c) => [c.id, c.baselineId]));
  return all.filter((c) => ids.has(c.id));
}

export async function run(args: BenchArgs): Promise<void> {
  const params = paramsFor(args);
  const configs = args.flags.has('skip-matrix') ? [] : selectConfigs(args, params);
  const skipSegments = args.flags.has('skip-segments');
  const machine = describeMachine();
  const engine = sourceVersion();
  const startedAt = new Date();
  console.log(`weir checkpoint benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  console.log(formatSourceVersion(engine));
  console.log(
    `${configs.length} configurations × ${params.rounds} round(s); keyed parallelism ${params.keyedParallelism}, ` +
      `warm-up ${formatDuration(params.warmupMs)}, windows ≥ ${formatDuration(params.minWindowMs)}, memory storage\n`,
  );
  const samples: Sample[] = [];
  for (let round = 0; round < params.rounds; round++) {
    // Alternate the order, so that a slow drift of the machine's load does not favour one end.
    const order = round % 2 === 0 ? configs : [...configs].reverse();
    for (const config of order) {
      const sample = await runTrial(params, config, round);
      samples.push(sample);
      const label = `${config.shape.name} ${config.state.name} ${settingLabel(config.setting)}`.padEnd(36);
      console.log(
        `  round ${round + 1}/${params.rounds}  ${label} ${formatRate(sample.recordsPerSecond).padStart(7)} records/s  ` +
          `${formatRate(sample.recordsPerCpuSecond).padStart(7)}/CPU-s  ${sample.completed.length} checkpoints  ` +
          `load ${sample.loadAverage[0]}`,
      );
    }
  }
  const segments: Segment[] = [];
  console.log('\npaired segments: one job per input and mode, segments with and without checkpoints\n');
  for (const shape of skipSegments ? [] : params.segments.shapes) {
    for (const mode of params.segments.modes) {
      const measured = await runSegments(params, shape, params.state, mode);
      segments.push(...measured);
      console.log(`  ${shape.name} ${mode}: ${segmentLine(measured)}; load ${loadAverage()[0]}`);
    }
  }
  for (const { state, incremental } of skipSegments ? [] : params.segments.states) {
    const label = `balanced ${state.name}${incremental ? ' incr.' : ''}`;
    const measured = await runSegments(params, SHAPES.balanced, state, 'exactly-once', {
      incremental,
      intervals: [1000],
      label,
    });
    segments.push(...measured);
    console.log(`  ${label} exactly-once: ${segmentLine(measured)}; load ${loadAverage()[0]}`);
  }
  const segmentRows = summariseSegments(segments);
  const syncPart = args.flags.has('skip-sync')
    ? []
    : params.syncPart.states.map((state) => measureSyncPart(state, params.syncPart.repetitions));
  const rows = summarise(configs, samples);
  const targets = checkTargets(rows, segmentRows, syncPart);
  console.log(`\nthroughput (median of ${params.rounds} round(s); cost against checkpoints off)\n`);
  console.log(throughputTable(rows));
  console.log(`\ncheckpoints (all rounds pooled)\n`);
  console.log(checkpointTable(rows));
  console.log(
    '\ncost in the same job: segments with checkpoints against segments without (medians over cycles)\n',
  );
  console.log(segmentTable(segmentRows));
  console.log('\nsynchronous part alone: backend.snapshot() of one subtask owning every key group, no job\n');
  console.log(syncPartTable(syncPart));
  console.log(`\n${targetsText(targets)}`);
  const loadAverageAtEnd = loadAverage();
  console.log(`load average at the end: ${loadAverageAtEnd.join(' ')}`);
  if (args.json) {
    printJsonResult({
      ...resultHeader('checkpoint', args, startedAt, machine, loadAverageAtEnd),
      engine,
      params,
      rows,
      segmentRows,
      syncPart,
      // Per-checkpoint records are pooled into the rows; the samples keep their counts only.
      samples: samples.map(({ completed, ...sample }) => ({ ...sample, checkpoints: completed.length })),
      segments,
      targets,
    });
  }
}
