// `weir run` prints every failure (cause, operator, subtask, attempt, the restart that follows),
// the checkpoint each attempt restores and when its restore is complete, and, resuming with
// --from, which checkpoint it resumed from; a missing --from path is said to be missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ProcessRun, runProcess } from '../../support/process.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'weir-cli-events-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function weir(args: string[], env: Record<string, string> = {}): Promise<ProcessRun> {
  return runProcess(process.execPath, ['bin/weir.mjs', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
  });
}

describe('weir run shows failures and restores', () => {
  it('prints each failure with its operator, subtask, cause and the restart that follows', async () => {
    const run = await weir(
      ['run', 'test/integration/jobs/failing.job.ts', '-p', '1', '--args', '{"failAt": 10}'],
      { WEIR_RESTART_STRATEGY: 'fixed-delay', WEIR_RESTART_ATTEMPTS: '1', WEIR_RESTART_DELAY_MS: '0' },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'attempt 1 failed in operator "explode" (uid exploding-map, subtask 0): RangeError: bad record 10\n' +
        '  on record {"id":10,"label":"record-10"}\n' +
        '  restarting in 0.00 s as attempt 2\n',
    );
    expect(run.stdout).toContain('attempt 2: no completed checkpoint, starting from scratch\n');
    expect(run.stdout).toMatch(/attempt 2: restore complete in [\d.]+ s, [\d.]+ s after the failure/);
    expect(run.stdout).toMatch(
      /attempt 2 failed in operator "explode" .*\n.*\n {2}not restarted: the job fails/,
    );
  });

  it('says which checkpoint a resumed run restored, and that a missing --from path is missing', async () => {
    const dir = join(scratch, 'resume');
    const first = await weir([
      'run',
      'test/integration/jobs/keyed-count.job.ts',
      '-p',
      '1',
      '--checkpoint-interval',
      '50',
      '--checkpoint-dir',
      dir,
      '--args',
      '{"count": 3000, "ratePerSecond": 6000}',
      '-q',
    ]);
    expect(first.code).toBe(0);
    const resumed = await weir([
      'run',
      'test/integration/jobs/keyed-count.job.ts',
      '-p',
      '1',
      '--checkpoint-dir',
      join(scratch, 'resumed'),
      '--from',
      dir,
      '--args',
      '{"count": 3000}',
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/attempt 1: resuming from checkpoint \d+ \(.*resume\/chk-\d+\)/);
    expect(resumed.stdout).toMatch(/attempt 1: restore complete in [\d.]+ s; records flow again/);

    const missing = await weir([
      'run',
      'test/integration/jobs/keyed-count.job.ts',
      '--from',
      join(scratch, 'nothing'),
      '--args',
      '{"count": 3000}',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(scratch, 'nothing')} does not exist`);
    expect(missing.stderr).not.toMatch(/corrupt/i);
  });
});
