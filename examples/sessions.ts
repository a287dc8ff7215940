/**
 * `npm run example:sessions`: the sessionisation job (examples/sessions.job.ts) with exactly-once
 * checkpoints and a failure injected part-way. At the end, every click is in exactly one committed
 * session or in the late side output, and the sessions equal those computed single-threaded on the
 * sorted clicks that were not late.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { displayJob, startJob } from '../src/index.ts';
import { type Click, clickOf, GAP_MS, type Session } from './sessions.job.ts';

const clicks = Number(process.env['WEIR_EXAMPLE_EVENTS'] ?? 40_000);
const checkpoints = resolve('weir-checkpoints', 'sessions');
const marker = join(checkpoints, 'failure-injected');
rmSync(checkpoints, { recursive: true, force: true });
mkdirSync(checkpoints, { recursive: true });
const failAt = Math.floor(clicks * 0.6);
console.log(
  `sessions: ${clicks.toLocaleString()} out-of-order clicks, a failure at click ${failAt.toLocaleString()}\n`,
);

const client = await startJob(new URL('./sessions.job.ts', import.meta.url), {
  args: { clicks, ratePerSecond: 20_000, failAt, failOnceMarker: marker },
  environment: {
    checkpointing: {
      intervalMs: 250,
      mode: 'exactly-once',
      storage: { kind: 'filesystem', dir: checkpoints },
    },
    restart: { strategy: 'fixed-delay', attempts: 3, delayMs: 500 },
  },
});
displayJob(client);
const result = await client.result.catch((error: unknown) => {
  console.error(`\njob failed: ${(error as Error).message}`);
  process.exit(1);
});

const sessions = result.collected<Session>('sessions');
const lateClicks = result.collected<Click>('late');
const lateIds = new Set(lateClicks.map((c) => c.n));
// The reference: sessions of the clicks that were not late, one thread, sorted by time.
const byUser = new Map<string, Click[]>();
for (let n = 0; n < clicks; n++) {
  if (lateIds.has(n)) continue;
  const c = clickOf(n);
  byUser.set(c.user, [...(byUser.get(c.user) ?? []), c]);
}
const expected: string[] = [];
for (const [user, list] of byUser) {
  list.sort((a, b) => a.ts - b.ts);
  let s = { start: list[0]!.ts, end: list[0]!.ts + GAP_MS, clicks: 0, checksum: 0 };
  for (const c of list) {
    if (c.ts > s.end) {
      expected.push(JSON.stringify({ user, ...s }));
      s = { start: c.ts, end: c.ts + GAP_MS, clicks: 0, checksum: 0 };
    }
    s = { ...s, end: Math.max(s.end, c.ts + GAP_MS), clicks: s.clicks + 1, checksum: s.checksum + c.n };
  }
  expected.push(JSON.stringify({ user, ...s }));
}
const got = sessions.map((s) =>
  JSON.stringify({ user: s.user, start: s.start, end: s.end, clicks: s.clicks, checksum: s.checksum }),
);
const counted = sessions.reduce((n, s) => n + s.clicks, 0) + lateClicks.length;
const same = counted === clicks && JSON.stringify(got.sort()) === JSON.stringify(expected.sort());
console.log(
  `\n${result.attempts - 1} restart(s); ${sessions.length} sessions, ${lateClicks.length} late clicks to the side output; ` +
    (same
      ? 'result verified: every click counted once, sessions identical to a failure-free run.'
      : 'RESULT DIFFERS from a failure-free run!'),
);
process.exitCode = same ? 0 : 1;
