/**
 * `weir chaos <job-file>`: proves a job's recovery. Runs the job twice without failures (the
 * reference, and a check that the job is deterministic before recovery is blamed), once with a
 * restart from scratch (a probe for state kept outside weir), then `--runs` times under the seeded
 * schedule of injected failures (chaos-schedule.ts), each run in child processes of its own
 * (chaos-run.ts); compares every run's committed output with the reference (chaos-output.ts) and
 * reports (chaos-report.ts, or `--json`). Exit code 0: every run kept the contract; 1: a loss, a
 * duplicate in exactly-once mode, a run that did not finish, or a non-deterministic job; 2: usage.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { StreamEnvironmentOptions } from '../../config/options.ts';
import { WeirError } from '../../errors.ts';
import type { InjectedFault } from '../../runtime/protocol.ts';
import type { DisplayTarget } from '../progress-display.ts';
import { compareOutputs, type OutputDifference, type RunOutput, readRunOutput } from './chaos-output.ts';
import { CHAOS_DIR } from './chaos-protocol.ts';
import { writeReport } from './chaos-report.ts';
import { type RunRecord, runChaosRun } from './chaos-run.ts';
import { type JobProfile, scheduleRun } from './chaos-schedule.ts';
import { CHAOS_USAGE, type Settings, settingsOf } from './chaos-settings.ts';
import {
  type ChaosReport,
  diagnose,
  injectedByKind,
  type RunSummary,
  summarizeRun,
  upFrontWarnings,
} from './chaos-verdict.ts';

/** A checkpoint interval no run outlives: the probe's restart is from scratch. */
const PROBE_INTERVAL_MS = 3_600_000;

export async function chaosCommand(
  argv: readonly string[],
  out: DisplayTarget = process.stdout,
  err: DisplayTarget = process.stderr,
): Promise<number> {
  let settings: Settings;
  try {
    const parsed = settingsOf(argv);
    if (parsed === 'help') {
      out.write(CHAOS_USAGE);
      return 0;
    }
    settings = parsed;
  } catch (error) {
    if (!(error instanceof WeirError)) throw error;
    err.write(`weir chaos: ${error.message}\n\n${CHAOS_USAGE}`);
    return 2;
  }
  if (!existsSync(settings.file)) {
    err.write(`weir chaos: job file not found: ${settings.file}\n`);
    return 2;
  }
  const root = settings.workDir ?? mkdtempSync(join(tmpdir(), 'weir-chaos-'));
  mkdirSync(root, { recursive: true });
  const report = await runAll(settings, root, err);
  if (settings.json) out.write(`${JSON.stringify(report, null, 2)}\n`);
  else writeReport(report, out);
  const failed = report.verdict !== 'pass';
  if (settings.keep || failed) err.write(`the runs' directories are in ${root}\n`);
  else if (settings.workDir === undefined) rmSync(root, { recursive: true, force: true });
  return failed ? 1 : 0;
}

async function runAll(settings: Settings, root: string, err: DisplayTarget): Promise<ChaosReport> {
  const { mode } = settings;
  const run = (name: string, faults: readonly InjectedFault[], intervalMs = settings.intervalMs) => {
    const dir = join(root, `run-${name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return runChaosRun({
      name,
      dir,
      file: settings.file,
      args: settings.args,
      environment: environmentOf(settings, dir, intervalMs),
      faults,
      timeoutMs: settings.timeoutMs,
    }).then((record) => ({ record, output: readRunOutput(dir, record.stdout) }));
  };
  const progress = (summary: RunSummary): void => {
    const faults = summary.faults.length > 0 ? `: ${summary.faults.join('; ')}` : '';
    err.write(`run ${summary.name}${faults} -> ${summary.pass ? 'pass' : 'FAIL'}\n`);
  };

  err.write('run ref: the failure-free reference\n');
  const reference = await run('ref', []);
  const base = {
    job: relative(process.cwd(), settings.file) || settings.file,
    seed: settings.seed,
    mode,
    parallelism: settings.parallelism,
    checkpointIntervalMs: settings.intervalMs,
  };
  const result = reference.record.result;
  if (reference.record.outcome !== 'finished' || result === undefined) {
    const summary = summarizeRun(reference.record, [], mode);
    return finish({
      base,
      warnings: [],
      diagnoses: [
        {
          cause: 'run-failed',
          message: `the failure-free run did not finish: ${summary.error ?? summary.outcome}`,
        },
      ],
      reference: reference.output,
      runs: [summary],
      records: [reference.record],
    });
  }
  if (reference.output.size === 0)
    return finish({
      base,
      warnings: [],
      diagnoses: [
        {
          cause: 'no-output',
          message:
            'the failure-free run left no output to compare (no file in its directory, no collect sink, ' +
            'nothing printed): give file sinks relative paths, each run has a working directory of its own',
        },
      ],
      reference: reference.output,
      runs: [summarizeRun(reference.record, [], mode)],
      records: [reference.record],
      verdict: 'fail',
    });
  const warnings = upFrontWarnings(result.plan, mode);
  for (const warning of warnings) err.write(`warning: ${warning}\n`);
  err.write('run ref-2: failure-free again (is the job deterministic?)\n');
  const second = await run('ref-2', []);
  const determinism = compareOutputs(reference.output, second.output);
  const summaries = [
    summarizeRun(reference.record, [], mode),
    summarizeRun(second.record, determinism, mode),
  ];
  const records = [reference.record, second.record];
  if (determinism.length > 0 || second.record.outcome !== 'finished') {
    const diagnoses = diagnose({
      plan: result.plan,
      determinism,
      probe: undefined,
      records,
      failing: summaries.filter((s) => !s.pass),
    });
    return finish({
      base,
      warnings,
      diagnoses,
      reference: reference.output,
      runs: summaries,
      records,
      verdict: determinism.length > 0 ? 'nondeterministic' : 'fail',
    });
  }
  const profile: JobProfile = { operators: result.operators, checkpoints: result.checkpoints };

  const probeFault = probeFaultOf(profile, result.plan);
  let probe: { record: RunRecord; differences: OutputDifference[] } | undefined;
  if (probeFault && settings.only === undefined) {
    const probed = await run('probe', [probeFault], PROBE_INTERVAL_MS);
    probe = { record: probed.record, differences: compareOutputs(reference.output, probed.output) };
    const summary = summarizeRun(probed.record, probe.differences, mode);
    summaries.push(summary);
    records.push(probed.record);
    progress(summary);
  }
  const numbers =
    settings.only !== undefined ? [settings.only] : Array.from({ length: settings.runs }, (_, i) => i + 1);
  let replay: string | undefined;
  for (const n of numbers) {
    const faults = scheduleRun(settings.seed, n, profile);
    const ran = await run(String(n), faults);
    const summary = summarizeRun(ran.record, compareOutputs(reference.output, ran.output), mode);
    summaries.push(summary);
    records.push(ran.record);
    progress(summary);
    if (!summary.pass && replay === undefined)
      replay = [
        'weir chaos',
        base.job,
        '--seed',
        String(settings.seed),
        '--run',
        String(n),
        ...settings.replayFlags,
      ].join(' ');
  }
  const diagnoses = diagnose({
    plan: result.plan,
    determinism,
    probe,
    records,
    failing: summaries.filter((s) => !s.pass),
  });
  return finish({ base, warnings, diagnoses, reference: reference.output, runs: summaries, records, replay });
}

function finish(init: {
  base: Pick<ChaosReport, 'job' | 'seed' | 'mode' | 'parallelism' | 'checkpointIntervalMs'>;
  warnings: string[];
  diagnoses: ChaosReport['diagnoses'];
  reference: RunOutput;
  runs: RunSummary[];
  records: RunRecord[];
  verdict?: ChaosReport['verdict'];
  replay?: string | undefined;
}): ChaosReport {
  const { base, warnings, diagnoses, reference, runs, records, verdict, replay } = init;
  const sum = (key: 'missing' | 'duplicates' | 'unexpected') =>
    runs.reduce((n, r) => n + r.differences.reduce((m, d) => m + d[key], 0), 0);
  return {
    ...base,
    warnings,
    diagnoses,
    reference: Object.fromEntries([...reference].map(([name, lines]) => [name, lines.length])),
    runs,
    totals: {
      runs: runs.length,
      injected: injectedByKind(records),
      restarts: records.reduce((n, r) => n + r.restarts, 0),
      checkpointsRestored: records.reduce((n, r) => n + r.checkpointsRestored, 0),
      lost: sum('missing'),
      duplicates: sum('duplicates'),
      unexpected: sum('unexpected'),
    },
    verdict: verdict ?? (runs.every((r) => r.pass) ? 'pass' : 'fail'),
    ...(replay === undefined ? {} : { replay }),
  };
}

/**
 * The probe's fault: a throw half-way through the busiest subtask of an operator that is not a
 * source. With no checkpoint completing, the restart is from scratch, in the same threads.
 */
function probeFaultOf(profile: JobProfile, plan: ChaosReportPlan): InjectedFault | undefined {
  const sources = new Set(
    plan.vertices.flatMap((v) => v.operators.filter((o) => o.role === 'source').map((o) => o.uid)),
  );
  let best: { uid: string; subtask: number; records: number } | undefined;
  for (const o of profile.operators) {
    if (sources.has(o.uid)) continue;
    const counts = o.bySubtask ?? [Math.floor(o.records / o.parallelism)];
    counts.forEach((records, subtask) => {
      if (records >= 2 && records > (best?.records ?? 0)) best = { uid: o.uid, subtask, records };
    });
  }
  if (!best) return undefined;
  return {
    kind: 'throw',
    operatorUid: best.uid,
    subtask: best.subtask,
    atRecord: Math.floor(best.records / 2),
  };
}
type ChaosReportPlan = NonNullable<RunRecord['result']>['plan'];

function environmentOf(
  settings: Settings,
  dir: string,
  intervalMs: number,
): Omit<StreamEnvironmentOptions, 'module'> {
  return {
    ...(settings.parallelism === undefined ? {} : { parallelism: settings.parallelism }),
    checkpointing: {
      intervalMs,
      mode: settings.mode,
      retained: 2,
      storage: { kind: 'filesystem', dir: join(dir, CHAOS_DIR, 'checkpoints') },
    },
    // Enough restarts for every fault of a run, quickly: the run checks recovery, not back-off.
    restart: { strategy: 'fixed-delay', attempts: 20, delayMs: 10 },
  };
}
