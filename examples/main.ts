/**
 * `npm start`: the point of weir in one run. The clickstream job runs on every core with
 * exactly-once checkpoints to ./weir-checkpoints; part-way through, a failure is injected; the job
 * restarts from its last completed checkpoint (the display shows the failure, the restart and the
 * checkpoint restored); at the end its per-country result is checked against a failure-free,
 * single-threaded computation of the same events.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { displayJob, startJob } from '../src/index.ts';
import { type CountryStats, enrich, eventLine } from './clickstream.job.ts';

const events = Number(process.env['WEIR_EXAMPLE_EVENTS'] ?? 600_000);
const checkpoints = resolve('weir-checkpoints', 'clickstream');
const marker = join(checkpoints, 'failure-injected');
rmSync(checkpoints, { recursive: true, force: true });
// The failure marker goes there: the directory must exist before the first checkpoint makes it,
// or a fast run would reach the failure point first and, unable to create the marker, not fail.
mkdirSync(checkpoints, { recursive: true });

console.log(
  `clickstream: ${events.toLocaleString()} events, parallelism ${availableParallelism()}, checkpoints every 250 ms to ${checkpoints}`,
);
console.log(`a failure will be injected at event ${Math.floor(events * 0.6).toLocaleString()}\n`);

const client = await startJob(new URL('./clickstream.job.ts', import.meta.url), {
  args: { events, failAt: Math.floor(events * 0.6), failOnceMarker: marker },
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

// The same events, one thread, no failures: what an exactly-once run must produce.
const expected = new Map<string, CountryStats>();
for (let n = 0; n < events; n++) {
  const stats = enrich(JSON.parse(eventLine(n)));
  const a = expected.get(stats.country);
  expected.set(
    stats.country,
    a === undefined
      ? stats
      : {
          country: a.country,
          events: a.events + stats.events,
          amount: Math.round((a.amount + stats.amount) * 100) / 100,
          sentiment: a.sentiment + stats.sentiment,
          fingerprint: (a.fingerprint ^ stats.fingerprint) >>> 0,
        },
  );
}
const got = new Map(result.collected<CountryStats>('countries').map((s) => [s.country, s]));
const same =
  got.size === expected.size &&
  [...expected].every(([country, e]) => {
    const g = got.get(country);
    return (
      g !== undefined &&
      g.events === e.events &&
      g.sentiment === e.sentiment &&
      g.fingerprint === e.fingerprint &&
      Math.abs(g.amount - e.amount) < 0.005
    );
  });
console.log(
  `\n${result.attempts - 1} restart(s), ${result.checkpoints.counts.completed} checkpoints completed; ` +
    (same ? 'result verified: identical to a failure-free run.' : 'RESULT DIFFERS from a failure-free run!'),
);
process.exitCode = same ? 0 : 1;
