// `weir run --json` prints one JSON object per line and nothing else on standard output (with the
// metrics server's URL first); the dashboard flags are checked before anything starts, each error
// naming the flag as typed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProcessRun, runProcess } from '../../support/process.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'weir-cli-dashboard-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const JOB = 'test/integration/dashboard/dashboard.job.ts';

interface JsonEvent {
  readonly event: string;
  readonly jobId?: string;
  readonly checkpointId?: number;
  readonly progress?: { readonly operators: { uid: string; records: number }[] };
}

function weir(args: string[]): Promise<ProcessRun> {
  return runProcess(process.execPath, ['bin/weir.mjs', 'run', ...args], { cwd: root });
}

describe('weir run --json and the dashboard flags', () => {
  it('prints events as JSON lines, the metrics URL first, a finished event last', async () => {
    const run = await weir([
      JOB,
      '-p',
      '1',
      '--checkpoint-interval',
      '50',
      '--checkpoint-dir',
      join(scratch, 'chk'),
      '--args',
      '{"ratePerSecond": 10000, "count": 3000}',
      '--metrics-port',
      '0',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonEvent);
    expect(events[0]).toMatchObject({
      event: 'metrics',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/),
    });
    expect(events[1]).toMatchObject({
      event: 'started',
      job: 'dashboard.job',
      plan: { vertices: expect.any(Array) },
    });
    expect(events.some((e) => e.event === 'checkpoint' && typeof e.checkpointId === 'number')).toBe(true);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ event: 'finished', attempts: 1 });
    const operators = last.progress!.operators;
    expect(operators.find((o) => o.uid === 'totals')!.records).toBe(3000);
    expect(new Set(events.map((e) => e.jobId)).size).toBe(2); // the URL line has none
  });

  it.each([
    [['--dashboard-host', '0.0.0.0'], '--dashboard-host needs --dashboard'],
    [['--keep-dashboard'], '--keep-dashboard needs --dashboard'],
    [
      ['--dashboard', '--dashboard-port', '99999'],
      '--dashboard-port must be an integer from 0 to 65535, got 99999',
    ],
    [['--metrics-port', 'x'], '--metrics-port must be a number, got "x"'],
    [['--dashboard', '--dashboard-host', 'anywhere'], '--dashboard-host must be an IP address or localhost'],
    [['--json', '-q'], '--json and -q exclude each other'],
  ])('%j is refused: %s', async (flags, message) => {
    const run = await weir([JOB, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
