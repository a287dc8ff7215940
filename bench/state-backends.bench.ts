/**
 * State-backends benchmark: the heap backend against the embedded (LMDB) backend at one state size
 * (100 MB full, 5 MB quick). In the benchmark's thread: fill and update throughput, snapshot
 * (synchronous part and encoding) and restore times, and the heap each retains; then a keyed job
 * with real workers on each backend, in records/s.
 *
 *   npm run bench -- state-backends [--quick] [--json]
 */
import type { StateBackendType } from '../src/index.ts';
import { FULL, QUICK } from './state-backends/params.ts';
import { type BackendSample, type JobSample, runBackendTrial, runJobTrial } from './state-backends/trial.ts';
import type { BenchArgs } from './support/args.ts';
import { formatDuration, formatRate } from './support/format.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';
import { formatTable } from './support/table.ts';

export const description = 'heap vs embedded (LMDB) keyed state: throughput, snapshot, restore, memory';

const KINDS: readonly StateBackendType[] = ['heap', 'embedded'];

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

export async function run(args: BenchArgs): Promise<void> {
  const params = args.quick ? QUICK : FULL;
  const machine = describeMachine();
  const startedAt = new Date();
  console.log(`weir state-backends benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  console.log(
    `${params.keys} keys × ${params.payloadBytes}-byte payload + count; ${params.updates} updates; ` +
      `embedded row cache ${params.cacheRows} rows\n`,
  );
  const backends: BackendSample[] = [];
  for (const kind of KINDS) backends.push(await runBackendTrial(kind, params));
  console.log(
    formatTable(
      [
        { title: 'backend' },
        { title: 'fill keys/s', align: 'right' },
        { title: 'updates/s', align: 'right' },
        { title: 'snapshot sync', align: 'right' },
        { title: 'encode', align: 'right' },
        { title: 'snapshot MB', align: 'right' },
        { title: 'restore', align: 'right' },
        { title: 'heap retained MB', align: 'right' },
      ],
      backends.map((s) => [
        s.backend,
        formatRate(s.fillPerSecond),
        formatRate(s.updatesPerSecond),
        formatDuration(s.snapshotSyncMs),
        formatDuration(s.snapshotEncodeMs),
        mb(s.snapshotBytes),
        formatDuration(s.restoreMs),
        mb(s.heapRetainedBytes),
      ]),
    ),
  );
  console.log(
    `\nkeyed job: ${params.jobRecords} records over ${params.jobKeys} keys, keyed parallelism ${params.jobParallelism}\n`,
  );
  const jobs: JobSample[] = [];
  for (const kind of KINDS) jobs.push(await runJobTrial(kind, params));
  console.log(
    formatTable(
      [{ title: 'backend' }, { title: 'wall time', align: 'right' }, { title: 'records/s', align: 'right' }],
      jobs.map((j) => [j.backend, formatDuration(j.wallMs), formatRate(j.recordsPerSecond)]),
    ),
  );
  const loadAverageAtEnd = loadAverage();
  console.log(`\nload average at the end: ${loadAverageAtEnd.join(' ')}`);
  if (args.json)
    printJsonResult({
      ...resultHeader('state-backends', args, startedAt, machine, loadAverageAtEnd),
      params,
      backends,
      jobs,
    });
}
