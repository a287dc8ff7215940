/**
 * Peer: a plain piscina pool as a user writes it in fifteen lines: the main thread makes batches
 * of 4000 lines, each a task that parses, tokenises and counts; partial counts merged; at most two
 * tasks per thread in flight.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { readText, splitLines } from '../lines.ts';
import { mergeCounts } from '../words.ts';
import { generateLines } from './lines.ts';
import { outcomeOf, report, trialSpec } from './trial-spec.ts';

const BATCH_LINES = 4000;
const spec = trialSpec();
const threads = spec.parallelism ?? availableParallelism();

async function* batches(): AsyncGenerator<string[]> {
  if (spec.input === 'file') {
    yield* splitLines(BATCH_LINES)(readText(spec.path));
    return;
  }
  let batch: string[] = [];
  for (const line of generateLines(spec.records)) {
    batch.push(line);
    if (batch.length === BATCH_LINES) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const pool = new Piscina<string[], Map<string, number>>({
  filename: new URL('./piscina-task.mjs', import.meta.url).href,
  minThreads: threads,
  maxThreads: threads,
});
const counts = new Map<string, number>();
const inFlight = new Set<Promise<void>>();
for await (const batch of batches()) {
  const task: Promise<void> = pool.run(batch).then((partial) => {
    mergeCounts(counts, partial);
    inFlight.delete(task);
  });
  inFlight.add(task);
  if (inFlight.size >= 2 * threads) await Promise.race(inFlight);
}
await Promise.all(inFlight);
await pool.destroy();
report(outcomeOf(counts));
