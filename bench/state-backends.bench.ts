/**
 * State-backends benchmark: heap vs embedded (LMDB) vs RocksDB keyed state. Each backend's trial
 * runs in a process of its own under GNU time (`state-backends/backend-process.ts`: update
 * throughput on uniform and Zipf keys, read-modify-write, full and incremental checkpoints at 1 %
 * and 10 % changed keys, restore; its peak RSS), the on-disk backends with a capped heap; rounds
 * interleave the backends, and medians are reported. Then a keyed job with real workers on each.
 *
 *   npm run bench -- state-backends [--quick] [--json] [--keys=N] [--rounds=N] [--only=heap,rocksdb] [--no-job]
 */
import { fileURLToPath } from 'node:url';
import type { StateBackendType } from '../src/index.ts';
import type { BackendTrialInput, BackendTrialResult } from './state-backends/backend-process.ts';
import { type JobSample, runJobTrial } from './state-backends/job-trial.ts';
import { FULL, QUICK } from './state-backends/params.ts';
import type { BenchArgs } from './support/args.ts';
import { formatDuration, formatRate } from './support/format.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { runProcess } from './support/process-trial.ts';
import { median } from './support/stats.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';
import { formatTable } from './support/table.ts';

export const description = 'heap vs LMDB vs RocksDB keyed state: updates, checkpoints, restore, memory';

const KINDS: readonly StateBackendType[] = ['heap', 'embedded', 'rocksdb'];
const TRIAL = fileURLToPath(new URL('./state-backends/backend-process.ts', import.meta.url));

interface Sample extends BackendTrialResult {
  readonly peakRssMiB: number;
  readonly wallMs: number;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const flag = (args: BenchArgs, name: string): string | undefined => {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
};

export async function run(args: BenchArgs): Promise<void> {
  const base = args.quick ? QUICK : FULL;
  const keys = Number(flag(args, 'keys') ?? base.keys);
  const params = { ...base, keys };
  const rounds = Number(flag(args, 'rounds') ?? 1);
  const only = flag(args, 'only')?.split(',');
  const kinds = KINDS.filter((k) => only === undefined || only.includes(k));
  const machine = describeMachine();
  const startedAt = new Date();
  const loadAtStart = loadAverage();
  console.log(`weir state-backends benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}; load average at the start: ${loadAtStart.join(' ')}`);
  console.log(
    `${keys} keys × (count + ${params.payloadBytes}-byte payload); ${params.updates} updates per phase; ` +
      `Zipf exponent ${params.zipfExponent}; on-disk row cache ${params.cacheRows} rows, heap capped at ` +
      `${params.diskHeapCapMiB} MiB; ${rounds} round(s), backends interleaved\n`,
  );
  const samples = new Map<StateBackendType, Sample[]>(kinds.map((k) => [k, []]));
  for (let round = 0; round < rounds; round++)
    for (const kind of kinds) {
      const input: BackendTrialInput = { backend: kind, ...params };
      const cap = kind === 'heap' ? [] : [`--max-old-space-size=${params.diskHeapCapMiB}`];
      const cost = await runProcess([...cap, '--expose-gc', '--import', 'tsx', TRIAL, JSON.stringify(input)]);
      const result = JSON.parse(cost.lastLine) as BackendTrialResult;
      samples.get(kind)!.push({ ...result, peakRssMiB: cost.peakRssMiB, wallMs: cost.wallMs });
      // Each trial's figures at once, so that a run cut short still reports what it measured.
      console.log(`  round ${round + 1} ${kind}: ${formatDuration(cost.wallMs)}, load ${loadAverage()[0]}`);
      console.log(`    ${JSON.stringify({ ...result, peakRssMiB: cost.peakRssMiB })}`);
    }
  const med = (kind: StateBackendType, pick: (s: Sample) => number): number =>
    median(samples.get(kind)!.map(pick));
  const rate = (pick: (s: Sample) => number) => (kind: StateBackendType) => formatRate(med(kind, pick));
  const time = (pick: (s: Sample) => number) => (kind: StateBackendType) => formatDuration(med(kind, pick));
  const size = (pick: (s: Sample) => number) => (kind: StateBackendType) => mb(med(kind, pick));
  const rows: [string, (kind: StateBackendType) => string][] = [
    ['fill, keys/s', rate((s) => s.fillPerSecond)],
    ['update uniform, /s', rate((s) => s.updateUniformPerSecond)],
    ['update Zipf, /s', rate((s) => s.updateZipfPerSecond)],
    ['read-modify-write uniform, /s', rate((s) => s.rmwUniformPerSecond)],
    ['read-modify-write Zipf, /s', rate((s) => s.rmwZipfPerSecond)],
    ['full checkpoint, sync part', time((s) => s.full.syncMs)],
    ['full checkpoint, encode', time((s) => s.full.encodeMs)],
    ['full checkpoint, MB', size((s) => s.full.bytes)],
    ...params.changedFractions.flatMap((fraction, i): [string, (kind: StateBackendType) => string][] => [
      [`incremental ${fraction * 100} %, encode`, time((s) => s.incremental[i]!.encodeMs)],
      [`incremental ${fraction * 100} %, MB written`, size((s) => s.incremental[i]!.bytes)],
    ]),
    ['restore (full)', time((s) => s.restoreMs)],
    ['heap used after updates, MB', size((s) => s.heapUsedBytes)],
    ['peak RSS, MiB', (kind) => med(kind, (s) => s.peakRssMiB).toFixed(0)],
  ];
  console.log(
    formatTable(
      [{ title: 'median' }, ...kinds.map((k) => ({ title: k, align: 'right' as const }))],
      rows.map(([title, cell]) => [title, ...kinds.map(cell)]),
    ),
  );
  const jobs: JobSample[] = [];
  if (!args.flags.has('no-job')) {
    console.log(
      `\nkeyed job: ${params.jobRecords} records over ${params.jobKeys} keys, keyed parallelism ${params.jobParallelism}\n`,
    );
    for (const kind of kinds) jobs.push(await runJobTrial(kind, params));
    console.log(
      formatTable(
        [
          { title: 'backend' },
          { title: 'wall time', align: 'right' },
          { title: 'records/s', align: 'right' },
        ],
        jobs.map((j) => [j.backend, formatDuration(j.wallMs), formatRate(j.recordsPerSecond)]),
      ),
    );
  }
  const loadAverageAtEnd = loadAverage();
  console.log(`\nload average at the end: ${loadAverageAtEnd.join(' ')}`);
  if (args.json)
    printJsonResult({
      ...resultHeader('state-backends', args, startedAt, machine, loadAverageAtEnd),
      params,
      rounds,
      loadAtStart,
      backends: Object.fromEntries(samples),
      jobs,
    });
}
