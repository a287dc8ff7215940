// `npm run example:sessions` (examples/sessions.ts) recovers from its injected failure and verifies
// its sessions against a failure-free computation, every click counted once.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { runProcess } from '../../support/process.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
afterAll(() => rmSync(join(root, 'weir-checkpoints', 'sessions'), { recursive: true, force: true }));

it('the sessions example restarts once and verifies its result', async () => {
  const run = await runProcess(process.execPath, ['--import', 'tsx', 'examples/sessions.ts'], {
    cwd: root,
    env: { ...process.env, WEIR_EXAMPLE_EVENTS: '12000' },
  });
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/injected failure at click 7200\n/);
  expect(run.stdout).toMatch(
    /1 restart\(s\); \d+ sessions, \d+ late clicks to the side output; result verified/,
  );
  expect(run.code).toBe(0);
});
