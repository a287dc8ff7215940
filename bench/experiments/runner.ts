/**
 * Runs one experiment: reads its parameters (defaults, `--params` file, flags), runs every step of
 * its plan once per repeat (alternating the order between repeats where no step depends on another,
 * so that a drift of the machine's load does not favour one end), shows progress, and writes the
 * result JSON and, unless `--no-report`, the report.
 */

import type { DisplayTarget } from '../../src/cli/progress-display.ts';
import { InvalidOptionError } from '../../src/index.ts';
import { sourceVersion } from '../jobs-support/source-version.ts';
import type { BenchArgs } from '../support/args.ts';
import { formatDuration, formatRate } from '../support/format.ts';
import { describeMachine, formatMachine, loadAverage } from '../support/machine.ts';
import { EXPERIMENT_NAMES, EXPERIMENTS, type Experiment, type ExperimentName } from './experiments.ts';
import { runNodePeer } from './node-peer.ts';
import { type DeclaredParam, PARAM_NAMES, readParams, type SuiteParams, unknownFlags } from './params.ts';
import type { Step } from './plan.ts';
import { ExperimentProgress } from './progress.ts';
import { writeReport } from './report/write-report.ts';
import { type ExperimentResult, RESULT_FORMAT, writeResult } from './result-file.ts';
import { runTrial, type TrialTiming } from './trial.ts';
import type { TrialRecord } from './trial-result.ts';

/** Where results go unless `--out` says otherwise. */
export const DEFAULT_OUT = 'bench/results/experiments';

/** The experiment called `name`, or a typed error listing the experiments. */
export function experimentNamed(name: string | undefined): Experiment {
  if (name === undefined || !EXPERIMENT_NAMES.includes(name as ExperimentName))
    throw new InvalidOptionError('experiment', `one of ${EXPERIMENT_NAMES.join(', ')}`, name);
  return EXPERIMENTS[name as ExperimentName];
}

/** The parameters an experiment uses, with their values and reasons. */
export function declare(experiment: Experiment, params: SuiteParams): DeclaredParam[] {
  return PARAM_NAMES.filter((name) => experiment.reasons[name] !== undefined).map((name) => ({
    name,
    value: params[name],
    reason: experiment.reasons[name]!,
  }));
}

function summaryOf(trial: TrialRecord): string {
  const l = trial.latency.endToEnd.summary;
  const cps = trial.checkpoints;
  const align =
    cps.length === 0
      ? ''
      : `, ${cps.length} checkpoints (max alignment ${formatDuration(Math.max(...cps.map((c) => c.alignmentMs)))})`;
  return (
    `${formatRate(trial.throughput.recordsPerSecond)} records/s, latency p50 ${formatDuration(l.p50)} ` +
    `p99 ${formatDuration(l.p99)}${align}; load ${trial.loadAverage[0]}`
  );
}

/** Fills in a load step's offered rate from this repeat's saturation measurements. */
function resolve(step: Step, saturation: ReadonlyMap<string, number>): Step {
  if (step.saturationOf === undefined || step.config.load === null) return step;
  const rates = step.saturationOf.map((id) => saturation.get(id));
  if (rates.some((r) => r === undefined || !(r > 0)))
    throw new Error(
      `step ${step.config.load} needs saturation measurements of ${step.saturationOf.join(', ')} first`,
    );
  const lowest = Math.min(...(rates as number[]));
  return { ...step, config: { ...step.config, offeredRate: Math.round(step.config.load * lowest) } };
}

/** Runs `experiment` with `params`; `out` receives the progress display. */
export async function runExperiment(
  experiment: Experiment,
  params: SuiteParams,
  options: { readonly quick: boolean; readonly command: string; readonly out: DisplayTarget },
): Promise<ExperimentResult> {
  const steps = experiment.plan(params);
  const dependent = steps.some((s) => s.saturationOf !== undefined);
  const machine = describeMachine();
  const startedAt = new Date().toISOString();
  const progress = new ExperimentProgress(options.out, steps.length * params.repeats);
  progress.message(
    `weir experiment '${experiment.name}' (${options.quick ? 'quick' : 'full'}): ${experiment.title}`,
  );
  progress.message(`machine: ${formatMachine(machine)}`);
  const timing: TrialTiming = params;
  const shape = params;
  const trials: TrialRecord[] = [];
  for (let repeat = 0; repeat < params.repeats; repeat++) {
    const order = !dependent && repeat % 2 === 1 ? [...steps].reverse() : steps;
    const saturation = new Map<string, number>();
    for (const planned of order) {
      const step = resolve(planned, saturation);
      const meta = { group: step.group, repeat };
      progress.begin(`${labelOf(step)} (repeat ${repeat + 1})`);
      const tick = (done: number): void => progress.tick(done);
      const trial =
        step.config.peer === 'node-stream'
          ? await runNodePeer(step.config, shape, timing, meta, tick)
          : await runTrial(step.config, shape, timing, meta, tick);
      trials.push(trial);
      if (step.config.load === null) saturation.set(trial.id, trial.throughput.recordsPerSecond);
      progress.end(summaryOf(trial));
    }
  }
  return {
    format: RESULT_FORMAT,
    experiment: experiment.name,
    title: experiment.title,
    question: experiment.question,
    quick: options.quick,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: options.command,
    machine,
    node: process.version,
    engine: sourceVersion(),
    loadAverageAtEnd: loadAverage(),
    params,
    declared: declare(experiment, params),
    trials,
  };
}

function labelOf(step: Step): string {
  const c = step.config;
  const rate = c.offeredRate === null ? '' : ` at ${formatRate(c.offeredRate)}/s`;
  const what =
    c.peer === 'node-stream'
      ? 'node-stream (1 thread)'
      : `${c.mode === 'off' ? 'off' : `${c.mode} ${c.intervalMs} ms`}, p${c.parallelism}, ${c.inputChannels} ch, skew ${c.skew}`;
  const sink = c.sinkDelayMicros > 0 ? `, sink ${c.sinkDelayMicros} µs` : '';
  const load = c.load === null ? ', saturation' : `, load ${Math.round(c.load * 100)} %`;
  return `${step.group}: ${what}${sink}${load}${rate}`;
}

/**
 * The `bench <experiment>` entry shared by `npm run bench -- <experiment>` and `weir bench`:
 * parameters from `--params`/flags (`--quick` for the CI smoke set), `--out <dir>` for the JSON,
 * `--report <dir>` (default: the same) for the report, `--no-report` to skip it. Resolves with the
 * result file's path.
 */
export async function benchExperiment(name: string, args: BenchArgs, command: string): Promise<string> {
  const experiment = experimentNamed(name);
  const unknown = unknownFlags(args);
  if (unknown.length > 0)
    throw new InvalidOptionError(
      `--${unknown[0]}`,
      'a parameter of the experiment suite (see --help)',
      unknown[0],
    );
  const params = readParams(args.quick ? experiment.quick : experiment.full, args);
  const out = stringFlag(args, 'out') ?? DEFAULT_OUT;
  const result = await runExperiment(experiment, params, { quick: args.quick, command, out: process.stdout });
  const file = await writeResult(out, result);
  console.log(`result: ${file}`);
  if (!args.flags.has('no-report')) {
    const written = await writeReport([result], {
      dir: stringFlag(args, 'report') ?? out,
      name: experiment.name,
    });
    console.log(`report: ${written.markdown} (${written.svgs.length} SVG plots)`);
  }
  return file;
}

function stringFlag(args: BenchArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new InvalidOptionError(`--${name}`, 'a directory', value);
  return value;
}
