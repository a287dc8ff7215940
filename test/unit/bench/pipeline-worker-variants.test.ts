/**
 * The pipeline benchmark's worker variants that run outside weir (bench/pipeline/variants): plain
 * worker_threads over byte ranges, and piscina, both started from esbuild bundles without tsx. Their
 * counts must equal a single-threaded count of the same lines for any number of threads, wherever
 * the range and read boundaries fall (inside a line, at a line start, inside a multi-byte character).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCounts } from '../../../bench/pipeline/check.ts';
import { type Corpus, writeCorpus } from '../../../bench/pipeline/corpus.ts';
import { READ_CHUNK_BYTES } from '../../../bench/pipeline/lines.ts';
import { piscinaVariant } from '../../../bench/pipeline/variants/piscina.ts';
import { threadsVariant } from '../../../bench/pipeline/variants/threads.ts';
import { countLine } from '../../../bench/pipeline/words.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-test-pipeline-variants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = {
  lines: 3000,
  vocabularySize: 200,
  zipfExponent: 1,
  minWordsPerLine: 20,
  maxWordsPerLine: 40,
  seed: 7,
} as const;

/** Writes posts with the given texts, one a line, and returns them as a corpus with its counts. */
function writePosts(name: string, texts: readonly string[], trailingNewline = true): Corpus {
  const lines = texts.map((text) => JSON.stringify({ text }));
  const body = lines.join('\n') + (trailingNewline ? '\n' : '');
  const path = join(dir, name);
  writeFileSync(path, body);
  const expected = new Map<string, number>();
  for (const line of lines) countLine(line, expected);
  return { path, lines: lines.length, bytes: Buffer.byteLength(body), words: 0, expected };
}

describe('threads variant', () => {
  const corpus = writeCorpus(spec, join(dir, 'corpus.jsonl'));

  it.each([1, 2, 3, 7])('counts every line once with %i worker(s)', async (workers) => {
    checkCounts('threads', corpus, await threadsVariant(workers).run(corpus.path));
  });

  it('counts an empty file, and a file with fewer lines than workers', async () => {
    const empty = writeCorpus({ ...spec, lines: 0 }, join(dir, 'empty.jsonl'));
    checkCounts('threads', empty, await threadsVariant(2).run(empty.path));
    const tiny = writeCorpus({ ...spec, lines: 2 }, join(dir, 'tiny.jsonl'));
    checkCounts('threads', tiny, await threadsVariant(5).run(tiny.path));
  });

  it('counts a line that starts exactly at a range boundary once', async () => {
    // Eight lines of equal length: with 2 or 4 workers every boundary is a line start.
    const file = writePosts(
      'aligned.jsonl',
      Array.from({ length: 8 }, (_, i) => `word${i} common`),
    );
    for (const workers of [2, 4]) checkCounts('threads', file, await threadsVariant(workers).run(file.path));
  });

  it('decodes a character that a read boundary splits', async () => {
    // The Kelvin sign (3 bytes in UTF-8) lowercases to an ASCII 'k': decoded wrongly, the word
    // "kelvin" would become "elvin". Its second byte is the first of the second read.
    const prefix = '{"text":"'.length;
    const filler = 'x'.repeat(READ_CHUNK_BYTES - 1 - prefix - 1);
    const file = writePosts('split-char.jsonl', [`${filler} \u212Aelvin one`, 'Kelvin two'], false);
    expect(Buffer.from(`{"text":"${filler} \u212A`).length).toBe(READ_CHUNK_BYTES + 2);
    expect(file.expected.get('kelvin')).toBe(2);
    checkCounts('threads', file, await threadsVariant(1).run(file.path));
  });

  it.each([true, false])('counts multi-byte text in many reads (trailing newline: %s)', async (trailing) => {
    const texts = Array.from(
      { length: 4000 },
      (_, i) =>
        `Ünïcode wörds ${'é'.repeat(i % 7)}caf${i % 5} \u212Aelvin — ${'日本'.repeat(i % 3)}x${i % 11}`,
    );
    const file = writePosts(`utf8-${trailing}.jsonl`, texts, trailing);
    expect(file.bytes).toBeGreaterThan(3 * READ_CHUNK_BYTES);
    checkCounts('threads', file, await threadsVariant(3).run(file.path));
  });
});

describe('piscina variant', () => {
  it('counts the corpus from its bundled task module', async () => {
    const corpus = writeCorpus(spec, join(dir, 'piscina.jsonl'));
    const variant = piscinaVariant({ threads: 2, batchLines: 500, maxInFlight: 4 });
    checkCounts('piscina', corpus, await variant.run(corpus.path));
  });
});
