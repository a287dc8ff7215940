/**
 * Line splitting for the variants that read the corpus through a Node.js read stream: a
 * `stream.pipeline` stage that turns the stream's text chunks into arrays of whole lines.
 */
import { createReadStream, type ReadStream } from 'node:fs';

/** Bytes per read of the corpus file (Node's default for file streams). */
export const READ_CHUNK_BYTES = 64 * 1024;

/** The corpus as a stream of UTF-8 text chunks (decoding never splits a character). */
export function readText(path: string): ReadStream {
  return createReadStream(path, { encoding: 'utf8', highWaterMark: READ_CHUNK_BYTES });
}

/**
 * A pipeline stage: text chunks in, arrays of `batchLines` lines out (the last may be shorter).
 * Line ends are `\n`; the text of a line that spans two chunks is carried over.
 */
export function splitLines(batchLines: number): (chunks: AsyncIterable<string>) => AsyncGenerator<string[]> {
  return async function* split(chunks) {
    let carry = '';
    let batch: string[] = [];
    for await (const chunk of chunks) {
      const text = carry + chunk;
      let start = 0;
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        batch.push(text.slice(start, end));
        start = end + 1;
        if (batch.length === batchLines) {
          yield batch;
          batch = [];
        }
      }
      carry = text.slice(start);
    }
    if (carry.length > 0) batch.push(carry);
    if (batch.length > 0) yield batch;
  };
}
