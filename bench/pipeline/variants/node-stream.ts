/**
 * Variant: one thread, Node.js `stream.pipeline`: file read stream -> line splitting -> parse ->
 * tokenise -> count in a Map. Stages pass arrays of lines (or posts, or words) rather than one
 * object per line, as a Node.js developer tuning this pipeline would: the stream machinery then
 * costs per batch, and the time goes to the work itself.
 */
import { pipeline } from 'node:stream/promises';
import { readText, splitLines } from '../lines.ts';
import type { WordCountVariant } from '../variant.ts';
import { type Post, parsePost, tokenise } from '../words.ts';

/** The parse stage; counts the lines it parsed into `seen.lines`. */
function parse(seen: { lines: number }) {
  return async function* (batches: AsyncIterable<string[]>): AsyncGenerator<Post[]> {
    for await (const lines of batches) {
      seen.lines += lines.length;
      yield lines.map(parsePost);
    }
  };
}

async function* tokeniseAll(batches: AsyncIterable<Post[]>): AsyncGenerator<string[]> {
  for await (const posts of batches) {
    const words: string[] = [];
    for (const post of posts) for (const word of tokenise(post.text)) words.push(word);
    yield words;
  }
}

/** The single-threaded baseline, passing `batchLines` lines per array between stages. */
export function nodeStreamVariant(batchLines: number): WordCountVariant {
  return {
    name: 'node-stream',
    label: 'Node.js stream.pipeline',
    threads: '1 (main)',
    async run(path) {
      const counts = new Map<string, number>();
      const seen = { lines: 0 };
      await pipeline(readText(path), splitLines(batchLines), parse(seen), tokeniseAll, async (batches) => {
        for await (const words of batches) {
          for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
        }
      });
      return { counts, lines: seen.lines };
    },
  };
}
