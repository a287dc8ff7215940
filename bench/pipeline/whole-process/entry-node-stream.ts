/**
 * Baseline: one thread, `stream.pipeline` (lines → parse/tokenise/count), stages passing arrays of
 * 64 lines as the pipeline benchmark's node-stream variant does.
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readText, splitLines } from '../lines.ts';
import { countLine } from '../words.ts';
import { generateLines } from './lines.ts';
import { outcomeOf, report, trialSpec } from './trial-spec.ts';

const BATCH_LINES = 64;
const spec = trialSpec();

function* batches(count: number): Generator<string[]> {
  let batch: string[] = [];
  for (const line of generateLines(count)) {
    batch.push(line);
    if (batch.length === BATCH_LINES) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const counts = new Map<string, number>();
const source =
  spec.input === 'file' ? splitLines(BATCH_LINES)(readText(spec.path)) : Readable.from(batches(spec.records));
await pipeline(
  source,
  new Writable({
    objectMode: true,
    write(lines: string[], _encoding, done) {
      for (const line of lines) countLine(line, counts);
      done();
    },
  }),
);
report(outcomeOf(counts));
