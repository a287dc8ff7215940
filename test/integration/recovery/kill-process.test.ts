// A `weir run` process killed with SIGKILL (no exit handler runs) while its keyed state is on disk
// resumes from its latest checkpoint with exact per-key counts, on the LMDB and the RocksDB backend:
// the killed process's working directories, torn afterwards (files truncated and overwritten), are
// never read, and the resumed run sweeps them away.
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { completedCheckpoints, keyedValues } from '../../support/checkpoints.ts';
import { runProcess } from '../../support/process.ts';
import { COUNT, type KeyedCountArgs, keyOf, RIGHT_START } from '../jobs/keyed-count.job.ts';

const cwd = fileURLToPath(new URL('../../../', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'weir-kill-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Truncates every file under `dir` to half its size and overwrites what is left with 0xFF. */
function tear(dir: string): number {
  let files = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const half = Math.floor(statSync(path).size / 2);
    truncateSync(path, half);
    writeFileSync(path, Buffer.alloc(half, 0xff));
    files++;
  }
  return files;
}

describe.each(['embedded', 'rocksdb'] as const)('kill -9 on the %s backend', (backend) => {
  it('resumes from the latest checkpoint with exact state, ignoring the torn working directory', async () => {
    const stateDir = join(root, `state-${backend}`);
    const killedCheckpoints = join(root, `chk-killed-${backend}`);
    const resumedCheckpoints = join(root, `chk-resumed-${backend}`);
    const args: KeyedCountArgs = { count: 2000, ratePerSecond: 1000, keys: 50 };
    const run = (checkpointDir: string, extra: string[]): string[] => [
      'bin/weir.mjs',
      'run',
      'test/integration/jobs/keyed-count.job.ts',
      '-p',
      '2',
      '--state-backend',
      backend,
      '--state-dir',
      stateDir,
      '--checkpoint-interval',
      '100',
      '--checkpoint-dir',
      checkpointDir,
      '--args',
      JSON.stringify(args),
      ...extra,
    ];
    // Killed once three checkpoints completed: about a third of the input is in.
    const killed = await runProcess(process.execPath, run(killedCheckpoints, []), {
      cwd,
      killOn: { stdout: /(checkpoint \d+ completed[\s\S]*){3}/, signal: 'SIGKILL' },
    });
    expect(killed.signal).toBe('SIGKILL');
    const leftovers = readdirSync(stateDir).filter((d) => d.startsWith(`weir-${killed.pid}-`));
    expect(leftovers.length).toBeGreaterThan(0);
    expect(leftovers.reduce((n, d) => n + tear(join(stateDir, d)), 0)).toBeGreaterThan(0);

    const resumed = await runProcess(
      process.execPath,
      run(resumedCheckpoints, ['--from', killedCheckpoints]),
      {
        cwd,
      },
    );
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/resuming from checkpoint \d+ .*chk-killed-/);
    const expected = new Map<string, number>();
    for (let i = 0; i < args.count!; i++)
      for (const n of [i, RIGHT_START + i])
        expected.set(keyOf(n, args), (expected.get(keyOf(n, args)) ?? 0) + 1);
    const final = (await completedCheckpoints(resumedCheckpoints)).at(-1)!;
    expect(await keyedValues(final, 'counter', COUNT)).toEqual(expected);
    // The resumed run's backends swept the killed process's directories.
    expect(readdirSync(stateDir).filter((d) => d.startsWith(`weir-${killed.pid}-`))).toEqual([]);
  });
});
