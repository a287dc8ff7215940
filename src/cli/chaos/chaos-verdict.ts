/**
 * The verdict of `weir chaos` from its runs, as plain data (what `--json` prints and the table
 * shows): per run, its faults, restarts, restores and differences from the failure-free run; over
 * all runs, failures injected by kind; and the causes it can name. Pure: no processes, no files.
 */
import type { CheckpointingMode } from '../../checkpoint/config.ts';
import type { JobPlan } from '../../graph/job-plan.ts';
import type { OutputDifference } from './chaos-output.ts';
import type { RunRecord } from './chaos-run.ts';
import { describeFault, FAULT_KINDS, type FaultKind } from './chaos-schedule.ts';

/** Sinks that write at once, outside any transaction: a restart repeats what they wrote. */
const NON_TRANSACTIONAL_SINKS = new Set(['sinkTo', 'print', 'writeAsText']);

/** A cause the harness can name. */
export interface Diagnosis {
  readonly cause:
    | 'nondeterministic'
    | 'non-transactional-sink'
    | 'state-outside-weir'
    | 'source-cannot-replay'
    | 'run-failed'
    | 'no-output';
  readonly message: string;
}

/** One run in the report. */
export interface RunSummary {
  /** `ref`, `ref-2`, `probe`, or the run's number as text. */
  readonly name: string;
  readonly faults: string[];
  readonly fired: number;
  readonly restarts: number;
  readonly checkpointsRestored: number;
  readonly kills: number;
  readonly outcome: RunRecord['outcome'];
  readonly error?: string | undefined;
  readonly differences: readonly OutputDifference[];
  readonly pass: boolean;
}

/** The whole report. */
export interface ChaosReport {
  readonly job: string;
  readonly seed: number;
  readonly mode: CheckpointingMode;
  readonly parallelism: number | undefined;
  readonly checkpointIntervalMs: number;
  readonly warnings: string[];
  readonly diagnoses: Diagnosis[];
  /** Lines of each output of the failure-free run. */
  readonly reference: Record<string, number>;
  readonly runs: RunSummary[];
  readonly totals: {
    readonly runs: number;
    readonly injected: Record<FaultKind, number>;
    readonly restarts: number;
    readonly checkpointsRestored: number;
    readonly lost: number;
    readonly duplicates: number;
    readonly unexpected: number;
  };
  readonly verdict: 'pass' | 'fail' | 'nondeterministic';
  /** The command line that replays the first failing run. */
  readonly replay?: string | undefined;
}

/** Warnings before any run: sinks that cannot be exactly-once. */
export function upFrontWarnings(plan: JobPlan, mode: CheckpointingMode): string[] {
  if (mode !== 'exactly-once') return [];
  return nonTransactionalSinks(plan).map(
    (sink) =>
      `sink "${sink.uid}" (${sink.kind}) is not transactional: it writes at once, so a restart repeats what it ` +
      'wrote since the last checkpoint; exactly-once needs writeFiles, collect, sinkToTransactional or a connector sink',
  );
}

function nonTransactionalSinks(plan: JobPlan): Array<{ uid: string; kind: string }> {
  return plan.vertices.flatMap((v) =>
    v.operators.filter((o) => o.role === 'sink' && NON_TRANSACTIONAL_SINKS.has(o.kind)),
  );
}

/** Whether a run kept the contract of `mode`. */
export function runPasses(
  record: RunRecord,
  differences: readonly OutputDifference[],
  mode: CheckpointingMode,
): boolean {
  if (record.outcome !== 'finished') return false;
  if (mode === 'exactly-once') return differences.length === 0;
  return differences.every((d) => d.missing === 0 && d.unexpected === 0);
}

export function summarizeRun(
  record: RunRecord,
  differences: readonly OutputDifference[],
  mode: CheckpointingMode,
): RunSummary {
  return {
    name: record.name,
    faults: record.faults.map(describeFault),
    fired: record.fired.length,
    restarts: record.restarts,
    checkpointsRestored: record.checkpointsRestored,
    kills: record.kills,
    outcome: record.outcome,
    ...(record.error ? { error: `${record.error.message}` } : {}),
    differences,
    pass: runPasses(record, differences, mode),
  };
}

/** The causes the runs point at. */
export function diagnose(init: {
  plan: JobPlan;
  determinism: readonly OutputDifference[];
  probe: { record: RunRecord; differences: readonly OutputDifference[] } | undefined;
  records: readonly RunRecord[];
  failing: readonly RunSummary[];
}): Diagnosis[] {
  const diagnoses: Diagnosis[] = [];
  if (init.determinism.length > 0) {
    diagnoses.push({
      cause: 'nondeterministic',
      message:
        `two failure-free runs produced different output (${init.determinism.map((d) => d.output).join(', ')}): ` +
        'the job is not deterministic (it reads the clock, random numbers or the order in which parallel inputs ' +
        'arrive), so no run with failures can be checked against it; recovery was not tested',
    });
    return diagnoses;
  }
  const sinks = nonTransactionalSinks(init.plan);
  const probe = init.probe;
  if (probe && probe.record.fired.length > 0 && probe.record.checkpointsRestored === 0) {
    const unexpected = probe.differences.some((d) => d.unexpected > 0);
    if (unexpected || (probe.differences.length > 0 && sinks.length === 0))
      diagnoses.push({
        cause: 'state-outside-weir',
        message:
          'a restart from scratch in the same threads changed the output: state kept outside weir ' +
          '(a module variable, a global, a cache) survived the restart. Keep it in keyed or operator state',
      });
  }
  const duplicated = init.failing.some((run) => run.differences.some((d) => d.duplicates > 0));
  if (sinks.length > 0 && duplicated)
    diagnoses.push({
      cause: 'non-transactional-sink',
      message: `output was repeated after restarts; sink ${sinks.map((s) => `"${s.uid}" (${s.kind})`).join(', ')} is not transactional`,
    });
  if (
    init.records.some((r) =>
      [...r.failures, ...(r.error ? [r.error] : [])].some((f) => f.code === 'ERR_SOURCE_REPLAY'),
    )
  )
    diagnoses.push({
      cause: 'source-cannot-replay',
      message:
        'a source could not replay its input after a restart (ERR_SOURCE_REPLAY): give fromIterable a function that returns a fresh iterable',
    });
  for (const run of init.failing)
    if (run.outcome !== 'finished')
      diagnoses.push({
        cause: 'run-failed',
        message: `run ${run.name} did not finish: ${run.error ?? run.outcome}`,
      });
  return diagnoses;
}

/** Failures injected by kind, over the runs. */
export function injectedByKind(records: readonly RunRecord[]): Record<FaultKind, number> {
  const counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  for (const record of records) for (const index of record.fired) counts[record.faults[index]!.kind]++;
  return counts;
}
