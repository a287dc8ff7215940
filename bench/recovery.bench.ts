/**
 * Recovery benchmark: the time from a failure to the first record processed after the restore, for
 * keyed state of 1 MB, 100 MB and 1 GB. A job fills keyed state (count + 1000-byte payload per key),
 * takes a checkpoint to filesystem storage in a temporary directory, and one keyed subtask throws;
 * the job restarts (fixed-delay, one attempt, no delay) from the checkpoint. Shared memory carries
 * the failure request and the workers' timestamps, so the recovery is split into phases: detect,
 * teardown, start the new workers, restore state and process the first record.
 *
 *   npm run bench -- recovery [--quick] [--json] [--rounds N] [--sizes=1 MB,100 MB]
 */
import { formatSourceVersion, sourceVersion } from './jobs-support/source-version.ts';
import { FULL, QUICK, type RecoveryBenchParams, TARGET } from './recovery/params.ts';
import { phaseTable, recoveryTable, replayTable } from './recovery/report.ts';
import { summarise } from './recovery/summary.ts';
import { type RecoverySample, runRecoveryTrial } from './recovery/trial.ts';
import { type BenchArgs, flagList, flagNumber } from './support/args.ts';
import { formatDuration, formatMBps } from './support/format.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';

export const description = 'failure → first record after the restore, keyed state of 1 MB to 1 GB';

function paramsFor(args: BenchArgs): RecoveryBenchParams {
  const base = args.quick ? QUICK : FULL;
  const names = flagList(args, 'sizes');
  const sizes = names === undefined ? base.sizes : base.sizes.filter((s) => names.includes(s.name));
  if (sizes.length === 0)
    throw new Error(`--sizes names none of ${base.sizes.map((s) => s.name).join(', ')}`);
  return { ...base, sizes, rounds: Math.round(flagNumber(args, 'rounds', base.rounds)) };
}

export async function run(args: BenchArgs): Promise<void> {
  const params = paramsFor(args);
  const machine = describeMachine();
  const engine = sourceVersion();
  const startedAt = new Date();
  console.log(`weir recovery benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  console.log(formatSourceVersion(engine));
  console.log(
    `sizes ${params.sizes.map((s) => s.name).join(', ')} × ${params.rounds} round(s); keyed parallelism ` +
      `${params.keyedParallelism}, ${params.payloadBytes}-byte payloads, filesystem storage in ${'$TMPDIR'}\n`,
  );
  const samples: RecoverySample[] = [];
  for (let round = 0; round < params.rounds; round++) {
    for (const size of params.sizes) {
      const sample = await runRecoveryTrial(params, size, round);
      samples.push(sample);
      const p = sample.phases;
      console.log(
        `  round ${round + 1}/${params.rounds}  ${size.name.padEnd(7)} ` +
          `${(sample.stateBytes / 1e6).toPrecision(4).padStart(7)} MB  recovery ${formatDuration(p.totalMs).padStart(8)}  ` +
          `(start workers ${formatDuration(p.startMs)}, restore ${formatDuration(p.restoreMs)}, ` +
          `${formatMBps(sample.stateBytes / (p.restoreMs / 1000))} MB/s)  load ${sample.loadAverage[0]}`,
      );
    }
  }
  const rows = summarise(
    params.sizes.map((s) => s.name),
    samples,
  );
  console.log(`\nrecovery: failure → every keyed subtask processed a record (median of ${params.rounds})\n`);
  console.log(recoveryTable(rows));
  console.log('\nphases (medians; each from the end of the previous one)\n');
  console.log(phaseTable(rows));
  console.log('\nrestore replayed outside the job, one thread, MB/s of state per step (medians)\n');
  console.log(replayTable(rows));
  console.log(
    `\ntarget: ${formatDuration(TARGET.fixedMs)} + state / ${formatMBps(TARGET.readBytesPerSecond)} MB/s: ` +
      rows.map((r) => `${r.size} ${r.met ? 'met' : 'NOT met'}`).join(', '),
  );
  const loadAverageAtEnd = loadAverage();
  console.log(`load average at the end: ${loadAverageAtEnd.join(' ')}`);
  if (args.json) {
    printJsonResult({
      ...resultHeader('recovery', args, startedAt, machine, loadAverageAtEnd),
      engine,
      params,
      rows,
      samples,
    });
  }
}
