/**
 * Source of the lines of a text file. The file is cut into byte ranges (the splits) that the
 * subtasks claim from a shared queue; a line belongs to the range in which it starts, so every line
 * is read exactly once. A split's state is the byte offset of its next line and its end, which a
 * checkpoint stores and a restore (at any parallelism) resumes from.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Collector } from '../../operators/functions.ts';
import type { SourceFactory } from '../../operators/operator.ts';
import { SharedSplitReader } from '../source/shared-split-reader.ts';
import type { Split } from '../source/split-reader.ts';

/** What remains of a byte range of the file. */
interface TextFileSplit {
  /** Offset of the next line, or of the range start when `aligned` is false. */
  readonly offset: number;
  /** Lines starting before this offset belong to the split. */
  readonly end: number;
  /** False for a range that may start mid-line (that line belongs to the previous range). */
  readonly aligned: boolean;
}

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

class TextFileSplitReader implements Split {
  readonly #path: string;
  readonly #fd: number;
  readonly #end: number;
  readonly #splitStart: number;
  readonly #size: number;
  readonly #buffer = Buffer.alloc(CHUNK_BYTES);
  #bufferStart = 0; // file offset of #buffer[0]
  #bufferLength = 0;
  #offset: number; // file offset of the next line

  constructor(path: string, split: TextFileSplit) {
    this.#path = path;
    this.#fd = openSync(path, 'r');
    this.#size = fstatSync(this.#fd).size;
    this.#splitStart = split.offset;
    this.#end = split.end;
    this.#offset = split.offset;
    if (!split.aligned && split.offset > 0) this.#skipPartialLine();
  }

  /** A split that starts mid-line leaves that line to the previous split, which reads it whole. */
  #skipPartialLine(): void {
    const newline = this.#findNewline(this.#splitStart - 1);
    this.#offset = newline < 0 ? this.#size : newline + 1;
  }

  /** File offset of the next newline at or after `from`, or -1 when there is none. */
  #findNewline(from: number): number {
    let pos = from;
    for (;;) {
      if (pos < this.#bufferStart || pos >= this.#bufferStart + this.#bufferLength) {
        if (!this.#fill(pos)) return -1;
      }
      const idx = this.#buffer.indexOf(NEWLINE, pos - this.#bufferStart);
      if (idx >= 0 && idx < this.#bufferLength) return this.#bufferStart + idx;
      pos = this.#bufferStart + this.#bufferLength;
    }
  }

  /**
   * File offset of the newline that ends the line starting at `lineStart`, or -1. A line that runs
   * past the buffer is loaded again from its start, so that it is decoded from the buffer in one
   * piece; only a line longer than the buffer takes a separate read.
   */
  #lineEnd(lineStart: number): number {
    const start = this.#bufferStart;
    if (lineStart >= start && lineStart < start + this.#bufferLength) {
      const idx = this.#buffer.indexOf(NEWLINE, lineStart - start);
      if (idx >= 0 && idx < this.#bufferLength) return start + idx;
    }
    if (!this.#fill(lineStart)) return -1;
    const idx = this.#buffer.indexOf(NEWLINE);
    if (idx >= 0 && idx < this.#bufferLength) return lineStart + idx;
    return this.#findNewline(lineStart + this.#bufferLength);
  }

  /** Loads the buffer starting at file offset `from`; false at end of file. */
  #fill(from: number): boolean {
    const read = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, from);
    this.#bufferStart = from;
    this.#bufferLength = read;
    return read > 0;
  }

  read(out: Collector<unknown>, max: number): number {
    let n = 0;
    while (n < max) {
      const lineStart = this.#offset;
      if (lineStart >= this.#end || lineStart >= this.#size) return n === 0 ? -1 : n;
      const newline = this.#lineEnd(lineStart);
      const lineEnd = newline < 0 ? this.#size : newline;
      this.#offset = lineEnd + 1;
      n++;
      out.collect(this.#text(lineStart, lineEnd));
    }
    return n;
  }

  /** The line in [start, end) without a trailing carriage return. */
  #text(start: number, end: number): string {
    let bytes = this.#buffer;
    let from = start - this.#bufferStart;
    if (from < 0 || end - this.#bufferStart > this.#bufferLength) {
      bytes = Buffer.alloc(end - start);
      readSync(this.#fd, bytes, 0, bytes.length, start);
      from = 0;
    }
    let stop = from + (end - start);
    if (stop > from && bytes[stop - 1] === CARRIAGE_RETURN) stop--;
    // Node's own Buffer method behind toString('utf8'), without its argument handling.
    return (bytes as unknown as { utf8Slice(from: number, to: number): string }).utf8Slice(from, stop);
  }

  state(): TextFileSplit {
    return { offset: this.#offset, end: this.#end, aligned: true };
  }

  close(): void {
    closeSync(this.#fd);
  }

  toString(): string {
    return `text file ${this.#path}`;
  }
}

/**
 * Guided sizes (guided self-scheduling): each range is 1/(4p) of what is still unassigned, so the
 * first ranges are large (few claims, few split states) and they shrink towards the end, where a
 * subtask that claims the last range keeps the others waiting for at most one small range.
 */
const GUIDED_DIVISOR_PER_SUBTASK = 4;
/** The smallest byte range (~750 lines of 340 bytes; smaller files are one range). */
const MIN_RANGE_BYTES = 256 * 1024;

/** Options of {@link textFileSource}. */
export interface TextFileSourceOptions {
  /** Bytes per range, all equal (tests); default: guided sizes, see {@link byteRanges}. */
  readonly rangeBytes?: number;
}

/**
 * The byte ranges `[offset, end)` a file of `size` bytes is cut into for `parallelism` subtasks:
 * all of `rangeBytes` when given, else guided sizes (each 1/(4·parallelism) of the remaining
 * bytes, at least 256 KiB). Deterministic: every subtask computes the same queue.
 */
export function byteRanges(size: number, parallelism: number, rangeBytes?: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let offset = 0; offset < size; ) {
    const length =
      rangeBytes !== undefined
        ? Math.max(1, rangeBytes)
        : Math.max(MIN_RANGE_BYTES, Math.ceil((size - offset) / (GUIDED_DIVISOR_PER_SUBTASK * parallelism)));
    const end = Math.min(size, offset + length);
    ranges.push([offset, end]);
    offset = end;
  }
  return ranges;
}

/**
 * Lines of the file at `path` (UTF-8; `\n` or `\r\n` line ends). The file is cut into byte
 * ranges that the source's subtasks claim one at a time from a shared queue (see
 * shared-split-reader.ts), so a subtask on a busier core reads fewer of them.
 */
export function textFileSource(path: string, options: TextFileSourceOptions = {}): SourceFactory {
  return (context) => {
    const queue: TextFileSplit[] = byteRanges(
      statSync(path).size,
      context.parallelism,
      options.rangeBytes,
    ).map(([offset, end]) => ({ offset, end, aligned: offset === 0 }));
    return new SharedSplitReader(
      queue,
      (state) => new TextFileSplitReader(path, state as TextFileSplit),
      context.splitCursor,
      context.subtaskIndex,
      context.parallelism,
    );
  };
}
