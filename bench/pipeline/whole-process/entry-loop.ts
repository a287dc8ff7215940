/** Baseline: a plain loop on the main thread; no streams, no threads. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { countLine } from '../words.ts';
import { generateLines } from './lines.ts';
import { outcomeOf, report, trialSpec } from './trial-spec.ts';

const spec = trialSpec();
const counts = new Map<string, number>();
if (spec.input === 'file') {
  for await (const line of createInterface({ input: createReadStream(spec.path), crlfDelay: Infinity })) {
    countLine(line, counts);
  }
} else {
  for (const line of generateLines(spec.records)) countLine(line, counts);
}
report(outcomeOf(counts));
