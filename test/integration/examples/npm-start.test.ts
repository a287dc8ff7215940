// `npm start` (examples/main.ts) shows the injected failure's own message in full, and the
// records read add up across attempts: the summary counts every event exactly once.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../support/process.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// The example keeps its checkpoints in ./weir-checkpoints/clickstream (git-ignored).
afterAll(() => rmSync(join(root, 'weir-checkpoints', 'clickstream'), { recursive: true, force: true }));

describe('npm start', () => {
  it('prints the injected failure in full and records read that add up across attempts', async () => {
    const events = 60_000;
    const run = await runProcess(process.execPath, ['--import', 'tsx', 'examples/main.ts'], {
      cwd: root,
      env: { ...process.env, WEIR_EXAMPLE_EVENTS: String(events) },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /attempt 1 failed in operator "enrich" \(uid enrich, subtask \d\): Error: injected failure at event 36000\n/,
    );
    expect(run.stdout).toMatch(/ {2}restarting in 0\.50 s as attempt 2\n/);
    expect(run.stdout).toMatch(
      /attempt 2: (restoring checkpoint \d+ .*records read before it|no completed checkpoint)/,
    );
    expect(run.stdout).toContain(`finished in`);
    expect(run.stdout).toMatch(new RegExp(`: ${events.toLocaleString('en-US')} records read, `));
    expect(run.stdout).toMatch(/result verified: identical to a failure-free run/);
  });
});
