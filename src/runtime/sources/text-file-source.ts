/**
 * Source of the lines of a text file. With parallelism p the file is cut into p byte ranges; a line
 * belongs to the range in which it starts, so every line is read exactly once. The position is the
 * byte offset of the next line, which a checkpoint stores and a restore seeks to.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Collector } from '../../api/functions.ts';
import {
  type OperatorContext,
  SOURCE_END,
  SOURCE_MORE,
  type SourceFactory,
  type SourceReader,
} from '../operators/operator.ts';

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

class TextFileReader implements SourceReader {
  readonly #path: string;
  readonly #fd: number;
  readonly #end: number;
  readonly #splitStart: number;
  readonly #size: number;
  readonly #buffer = Buffer.alloc(CHUNK_BYTES);
  #bufferStart = 0; // file offset of #buffer[0]
  #bufferLength = 0;
  #offset: number; // file offset of the next line

  constructor(path: string, context: OperatorContext) {
    this.#path = path;
    this.#fd = openSync(path, 'r');
    const size = fstatSync(this.#fd).size;
    this.#size = size;
    const p = context.parallelism;
    this.#splitStart = Math.floor((size * context.subtaskIndex) / p);
    this.#end = Math.floor((size * (context.subtaskIndex + 1)) / p);
    this.#offset = this.#splitStart;
    if (this.#splitStart > 0) this.#skipPartialLine();
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

  /** Loads the buffer starting at file offset `from`; false at end of file. */
  #fill(from: number): boolean {
    const read = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, from);
    this.#bufferStart = from;
    this.#bufferLength = read;
    return read > 0;
  }

  poll(out: Collector<unknown>, max: number): number {
    for (let n = 0; n < max; n++) {
      const lineStart = this.#offset;
      if (lineStart >= this.#end || lineStart >= this.#size) return SOURCE_END;
      const newline = this.#findNewline(lineStart);
      const lineEnd = newline < 0 ? this.#size : newline;
      this.#offset = lineEnd + 1;
      out.collect(this.#text(lineStart, lineEnd));
    }
    return this.#offset >= this.#end || this.#offset >= this.#size ? SOURCE_END : SOURCE_MORE;
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
    return bytes.toString('utf8', from, stop);
  }

  position(): number {
    return this.#offset;
  }

  seek(position: unknown): void {
    this.#offset = position as number;
    this.#bufferLength = 0;
  }

  close(): void {
    closeSync(this.#fd);
  }

  toString(): string {
    return `text file ${this.#path}`;
  }
}

/** Lines of the file at `path` (UTF-8; `\n` or `\r\n` line ends). */
export function textFileSource(path: string): SourceFactory {
  return (context) => new TextFileReader(path, context);
}
