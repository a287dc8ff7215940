/**
 * The fast path of record decoding, the mirror of {@link FlatRecordEncoder}: a frame that is an
 * array of flat records (msgpackr record definitions and references whose values are ASCII strings,
 * numbers, booleans or null) is decoded here, each record built by an object literal compiled for
 * its shape; msgpackr builds the same objects generically and spends most of a consumer's decoding
 * time doing so (`docs/benchmarks/channel.md`). Anything else in a frame (a nested value, a
 * non-ASCII string, a 64-bit integer, a float32, a reference to a structure the frame did not
 * define, an `__proto__` key, ...) makes {@link FlatRecordDecoder.decode} return null, and the
 * caller decodes the frame with msgpackr: the result is always what msgpackr gives.
 *
 * Strings are built from the bytes (copied out, never views of the frame).
 *
 * Thread: whichever owns the decoder (one per consumer thread).
 */

import { isAscii } from 'node:buffer';

/** Thrown inside the reader when the frame leaves the fast path. */
class OffPath {}
const OFF_PATH = new OffPath();

const FIRST_RECORD_ID = 0x40;
const MAX_RECORD_ID = 0x7f;
/** Compiled shapes kept across frames; beyond that the cache starts over. */
const MAX_CACHED_SHAPES = 256;

/** Builds one record of a shape, reading its values in order. */
type RecordReader = () => Record<string, unknown>;

// The frame being decoded. Module state rather than fields: the generated readers call `value`
// once per field, and a plain function over module variables is what V8 inlines best.
let bytes: Uint8Array = new Uint8Array(0);
let view = new DataView(bytes.buffer);
let pos = 0;
let end = 0;

function value(): unknown {
  const b = bytes[pos++]!;
  if (b < FIRST_RECORD_ID) return b;
  if (b >= 0xe0) return b - 0x100;
  if (b >= 0xa0 && b < 0xc0) return string(b & 0x1f);
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xcc:
      return bytes[pos++]!;
    case 0xcd: {
      const v = view.getUint16(pos);
      pos += 2;
      return v;
    }
    case 0xce: {
      const v = view.getUint32(pos);
      pos += 4;
      return v;
    }
    case 0xd0: {
      const v = view.getInt8(pos);
      pos += 1;
      return v;
    }
    case 0xd1: {
      const v = view.getInt16(pos);
      pos += 2;
      return v;
    }
    case 0xd2: {
      const v = view.getInt32(pos);
      pos += 4;
      return v;
    }
    case 0xcb: {
      const v = view.getFloat64(pos);
      pos += 8;
      return v;
    }
    case 0xd9:
      return string(bytes[pos++]!);
    case 0xda: {
      const length = view.getUint16(pos);
      pos += 2;
      return string(length);
    }
    case 0xdb: {
      const length = view.getUint32(pos);
      pos += 4;
      return string(length);
    }
    default:
      throw OFF_PATH;
  }
}

/**
 * Strings up to this many bytes are checked for ASCII eight bytes a step in JavaScript; longer ones
 * by Node's native `isAscii` (SIMD), whose call and view cost more than the loop below that size.
 * A byte-by-byte loop cost ~7 ns a byte (7 µs for a 1 KiB string, 13× msgpackr's whole decode).
 */
const WORD_CHECK_MAX = 1024;

/** Whether `bytes[start, stop)` are all ASCII: their OR, read a word at a time, has no high bit. */
function asciiByWords(start: number, stop: number): boolean {
  let acc = 0;
  let i = start;
  for (; i + 8 <= stop; i += 8) acc |= view.getUint32(i) | view.getUint32(i + 4);
  for (; i < stop; i++) acc |= bytes[i]!;
  return (acc & 0x80808080) === 0;
}

/** An ASCII string of `length` bytes at `pos`; anything else leaves the fast path. */
function string(length: number): string {
  const start = pos;
  const stop = start + length;
  if (stop > end) throw OFF_PATH;
  pos = stop;
  if (length <= 16) {
    let s = '';
    for (let i = start; i < stop; i++) {
      const c = bytes[i]!;
      if (c >= 0x80) throw OFF_PATH;
      s += String.fromCharCode(c);
    }
    return s;
  }
  if (!(length <= WORD_CHECK_MAX ? asciiByWords(start, stop) : isAscii(bytes.subarray(start, stop))))
    throw OFF_PATH;
  // Node's own Buffer method behind toString('latin1'), without its argument handling.
  return (bytes as unknown as { latin1Slice(from: number, to: number): string }).latin1Slice(start, stop);
}

function arrayLength(): number {
  const b = bytes[pos++]!;
  if (b >= 0x90 && b <= 0x9f) return b & 0x0f;
  if (b === 0xdc) {
    const n = view.getUint16(pos);
    pos += 2;
    return n;
  }
  if (b === 0xdd) {
    const n = view.getUint32(pos);
    pos += 4;
    return n;
  }
  throw OFF_PATH;
}

/** Decodes frames of flat records; one per consumer thread. */
export class FlatRecordDecoder {
  /** Readers by shape (JSON of the key list), kept across frames. */
  readonly #compiled = new Map<string, RecordReader>();
  /** The readers of the structures the current frame defined, by id - 0x40. */
  readonly #structures: (RecordReader | undefined)[] = [];

  /**
   * Decodes `frame[0, length)` (a Buffer the caller owns), or returns null when the frame is not
   * an array of flat records.
   */
  decode(frame: Buffer, length: number): unknown[] | null {
    if (
      frame.buffer !== bytes.buffer ||
      frame.byteOffset !== bytes.byteOffset ||
      frame.byteLength !== bytes.byteLength
    ) {
      bytes = frame;
      view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    }
    pos = 0;
    end = length;
    const structures = this.#structures;
    structures.length = 0;
    try {
      const count = arrayLength();
      if (count > length) return null;
      const records = new Array<unknown>(count);
      for (let i = 0; i < count; i++) {
        const b = bytes[pos]!;
        let reader: RecordReader | undefined;
        if (b === 0xd4 && bytes[pos + 1] === 0x72) {
          const id = bytes[pos + 2]!;
          pos += 3;
          if (id < FIRST_RECORD_ID || id > MAX_RECORD_ID) return null;
          reader = this.#define();
          structures[id - FIRST_RECORD_ID] = reader;
        } else if (b >= FIRST_RECORD_ID && b <= MAX_RECORD_ID) {
          pos++;
          reader = structures[b - FIRST_RECORD_ID];
          if (reader === undefined) return null;
        } else {
          return null;
        }
        records[i] = reader();
      }
      return pos === end ? records : null;
    } catch (error) {
      if (error === OFF_PATH) return null;
      throw error;
    }
  }

  /** Reads a definition's key list and returns the reader of its shape. */
  #define(): RecordReader {
    const n = arrayLength();
    const keys: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = value();
      if (typeof key !== 'string' || key === '__proto__') throw OFF_PATH;
      keys.push(key);
    }
    const shape = JSON.stringify(keys);
    let reader = this.#compiled.get(shape);
    if (reader === undefined) {
      if (new Set(keys).size !== keys.length) throw OFF_PATH;
      if (this.#compiled.size === MAX_CACHED_SHAPES) this.#compiled.clear();
      reader = compileReader(keys);
      this.#compiled.set(shape, reader);
    }
    return reader;
  }
}

/** `() => ({ "k": value(), "v": value() })`: values read in key order, as msgpackr reads them. */
function compileReader(keys: readonly string[]): RecordReader {
  const props = keys.map((key) => `${JSON.stringify(key)}: v()`).join(', ');
  try {
    return new Function('v', `'use strict'; return function readRecord() { return { ${props} }; };`)(
      value,
    ) as RecordReader;
  } catch {
    return () => {
      const record: Record<string, unknown> = {};
      for (const key of keys) record[key] = value();
      return record;
    };
  }
}
