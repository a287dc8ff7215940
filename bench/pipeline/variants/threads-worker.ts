/**
 * The `threads` variant's worker (bundled to JavaScript, run without tsx): counts the words of the
 * lines that start in its byte range of the corpus file, reading it with `readSync` in 64 KiB
 * chunks, and posts its counts and the number of lines back. A line belongs to the range in which
 * it starts, so the ranges' lines together are the file's lines, each once.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parentPort, workerData } from 'node:worker_threads';
import { READ_CHUNK_BYTES } from '../lines.ts';
import { countLine } from '../words.ts';

/** The workerData of one worker: the corpus file and a byte range of it, [start, end). */
export interface RangeTask {
  readonly path: string;
  readonly size: number;
  readonly start: number;
  readonly end: number;
}

/** What a worker posts back. */
export interface RangeCounts {
  readonly counts: Map<string, number>;
  readonly lines: number;
}

const NEWLINE = 0x0a;

/** The offset of the first line that starts at or after `offset` (`size` if none does). */
function lineStartFrom(fd: number, offset: number, size: number, buffer: Buffer): number {
  if (offset <= 0) return 0;
  // A line starts at `offset` when the byte before it ends a line: search from that byte on.
  for (let position = offset - 1; position < size; ) {
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read === 0) break;
    const newline = buffer.subarray(0, read).indexOf(NEWLINE);
    if (newline >= 0) return position + newline + 1;
    position += read;
  }
  return size;
}

/** Counts the words of the lines in [start, end), which begins and ends at line starts. */
function countRange(fd: number, start: number, end: number, buffer: Buffer): RangeCounts {
  const counts = new Map<string, number>();
  const decoder = new StringDecoder('utf8');
  let lines = 0;
  let carry = '';
  for (let position = start; position < end; ) {
    const read = readSync(fd, buffer, 0, Math.min(buffer.length, end - position), position);
    if (read === 0) break;
    position += read;
    const text = carry + decoder.write(buffer.subarray(0, read));
    let from = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
      countLine(text.slice(from, newline), counts);
      lines++;
      from = newline + 1;
    }
    carry = text.slice(from);
  }
  carry += decoder.end();
  if (carry.length > 0) {
    countLine(carry, counts);
    lines++;
  }
  return { counts, lines };
}

const task = workerData as RangeTask;
const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
const fd = openSync(task.path, 'r');
let result: RangeCounts;
try {
  const start = lineStartFrom(fd, task.start, task.size, buffer);
  const end = lineStartFrom(fd, task.end, task.size, buffer);
  result = countRange(fd, start, end, buffer);
} finally {
  closeSync(fd);
}
parentPort!.postMessage(result);
