// `weir chaos` passes a correct job through kill -9 and resume, and names the cause when a job is
// broken on purpose: output that uses Math.random() (found by two failure-free runs), a sink
// function that appends to a file (not transactional), a counter in a module variable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chaosCommand } from '../../../src/cli/chaos/chaos-command.ts';
import type { ChaosReport } from '../../../src/cli/chaos/chaos-verdict.ts';

const JOB = 'test/integration/jobs/chaos-flaws.job.ts';
// Failing verdicts keep the runs' directories: under this root, removed after the tests.
const root = mkdtempSync(join(tmpdir(), 'weir-chaos-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;

async function chaos(
  flaw: string | undefined,
  parallelism: number,
  ...flags: string[]
): Promise<{ code: number; report: ChaosReport; err: string }> {
  let stdout = '';
  let stderr = '';
  const args = JSON.stringify({ count: 1500, ratePerSecond: 3000, ...(flaw ? { flaw } : {}) });
  const code = await chaosCommand(
    [
      JOB,
      '--args',
      args,
      '--checkpoint-interval',
      '50',
      '-p',
      String(parallelism),
      '--json',
      '--work-dir',
      join(root, String(runs++)),
      ...flags,
    ],
    { write: (s: string) => (stdout += s) },
    { write: (s: string) => (stderr += s) },
  );
  return { code, report: JSON.parse(stdout) as ChaosReport, err: stderr };
}

describe('weir chaos', () => {
  it('passes a correct job through kill -9 and a resume', async () => {
    // Run 4 of every schedule starts with kill -9 of the process.
    const { code, report } = await chaos(undefined, 2, '--seed', '7', '--run', '4');
    const run = report.runs.find((r) => r.name === '4')!;
    expect(run.faults[0]).toMatch(/^kill-process/);
    expect(run.kills).toBeGreaterThanOrEqual(1);
    expect(report.totals.injected['kill-process']).toBeGreaterThanOrEqual(1);
    expect(run.differences).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
  });

  it('finds a job whose output uses Math.random() before blaming recovery', async () => {
    const { code, report } = await chaos('random', 2, '--runs', '3');
    expect(code).toBe(1);
    expect(report.verdict).toBe('nondeterministic');
    expect(report.diagnoses.map((d) => d.cause)).toEqual(['nondeterministic']);
    expect(report.runs.map((r) => r.name)).toEqual(['ref', 'ref-2']);
  });

  it('warns of a sink function and finds the output it repeats', async () => {
    const { code, report } = await chaos('side-effect', 2, '--runs', '0');
    expect(code).toBe(1);
    expect(report.warnings[0]).toMatch(/sink "append" \(sinkTo\) is not transactional/);
    const probe = report.runs.find((r) => r.name === 'probe')!;
    expect(probe.differences[0]).toMatchObject({ output: 'file:side-effects.txt', missing: 0 });
    expect(probe.differences[0]!.duplicates).toBeGreaterThan(0);
    expect(report.diagnoses.map((d) => d.cause)).toContain('non-transactional-sink');
  });

  it('finds a counter in a module variable that survives a restart', async () => {
    // One subtask: which source splits a thread reads (and so its module's count) is fixed.
    const { code, report } = await chaos('module-counter', 1, '--runs', '0');
    expect(code).toBe(1);
    expect(report.diagnoses.map((d) => d.cause)).toEqual(['state-outside-weir']);
  });
});
