/**
 * The fast path of record encoding: a batch of flat records (plain objects whose values are strings,
 * numbers, booleans or null) written byte for byte as msgpackr's `Packr({ useRecords: true })` writes
 * it, about twice as fast (`npm run bench -- channel`). Each record shape gets a small generated
 * function that reads the values by name and hands them to {@link MsgpackWriter}; a `for...in` over
 * the record's keys (no value loads) checks that a record still has the shape. Anything else (a
 * nested object or array, a Date, undefined, a class instance, inherited enumerable keys, more
 * than {@link MAX_STRUCTURES} shapes in a batch, ...) makes {@link FlatRecordEncoder.encode} return
 * null, and the caller encodes the batch with msgpackr itself. Frames are therefore always plain
 * msgpackr output, read by msgpackr's `Unpackr`.
 *
 * The bytes of a batch `[{ k: 'a', v: 1 }, { k: 'b', v: 2 }]`:
 * ```
 * 92                  array of 2
 * d4 72 40 92 a1 6b a1 76   record definition (ext "r"): id 0x40, keys ['k', 'v']
 * a1 61 01            values of record 0x40: 'a', 1
 * 40 a1 62 02         record 0x40 again: 'b', 2
 * ```
 * Every frame defines its structures again from id 0x40, so frames stay self-describing.
 *
 * Thread: whichever owns the encoder (one per producer and channel).
 */
import { MsgpackWriter } from './msgpack-writer.ts';

/** Distinct record shapes one batch may hold on the fast path (msgpackr's own ids allow 64). */
export const MAX_STRUCTURES = 32;
/** Compiled shapes kept across batches; beyond that the cache starts over. */
const MAX_CACHED_SHAPES = 256;
const FIRST_RECORD_ID = 0x40;

/** Writes the values of a record of one shape; false for a value off the fast path. */
type ValuesWriter = (record: Record<string, unknown>) => boolean;

interface Structure {
  readonly keys: readonly string[];
  readonly writeValues: ValuesWriter;
}

/** Encodes batches of flat records into msgpack; reuses one buffer, grown as needed. */
export class FlatRecordEncoder {
  readonly #writer = new MsgpackWriter();
  /** The structures defined in the current batch; index + 0x40 is the record id. */
  readonly #structures: Structure[] = [];
  /** Values writers by shape (JSON of the key list), kept across batches. */
  readonly #compiled = new Map<string, ValuesWriter>();

  /**
   * Encodes `records`, or returns null when the batch is not made of flat records. The returned
   * bytes live in the encoder's buffer: they are valid until the next call.
   */
  encode(records: readonly unknown[]): Uint8Array | null {
    if (!Array.isArray(records) || records.constructor !== Array) return null;
    const w = this.#writer;
    w.rewind(0);
    this.#structures.length = 0;
    w.arrayHeader(records.length);
    let current: Structure | undefined;
    let id = 0;
    for (let i = 0; i < records.length; i++) {
      // The same test as msgpackr's for a plain object.
      const record = records[i] as Record<string, unknown> | null;
      if (typeof record !== 'object' || record === null || record.constructor !== Object) return null;
      if (current !== undefined && hasKeys(record, current.keys)) {
        w.byte(id);
      } else {
        const index = this.#structureOf(record);
        if (index < 0) return null;
        current = this.#structures[index]!;
        id = FIRST_RECORD_ID + index;
      }
      if (!current.writeValues(record)) return null;
    }
    return w.bytes();
  }

  /**
   * Finds the structure of `record` among this batch's, or defines it (writing its definition);
   * writes the record id either way. Returns its index, or -1 when the record is off the fast path
   * (inherited enumerable keys) or the batch has too many shapes.
   */
  #structureOf(record: Record<string, unknown>): number {
    const keys = Object.keys(record);
    // for-in also lists inherited enumerable keys, which msgpackr skips: leave those to msgpackr.
    // An own "__proto__" key is refused on msgpackr's path (record-codec.ts).
    if (!hasKeys(record, keys) || keys.includes('__proto__')) return -1;
    const known = this.#structures.findIndex((s) => sameKeys(s.keys, keys));
    if (known >= 0) {
      this.#writer.byte(FIRST_RECORD_ID + known);
      return known;
    }
    const index = this.#structures.length;
    if (index === MAX_STRUCTURES) return -1;
    this.#structures.push({ keys, writeValues: this.#valuesWriter(keys) });
    this.#writer.recordDefinition(FIRST_RECORD_ID + index, keys);
    return index;
  }

  #valuesWriter(keys: readonly string[]): ValuesWriter {
    const shape = JSON.stringify(keys);
    let writer = this.#compiled.get(shape);
    if (writer === undefined) {
      if (this.#compiled.size === MAX_CACHED_SHAPES) this.#compiled.clear();
      writer = compileValuesWriter(keys, this.#writer);
      this.#compiled.set(shape, writer);
    }
    return writer;
  }
}

/** Whether for-in lists exactly `keys`, in order (no value is read). */
function hasKeys(record: Record<string, unknown>, keys: readonly string[]): boolean {
  let n = 0;
  for (const key in record) {
    if (key !== keys[n]) return false;
    n++;
  }
  return n === keys.length;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A values writer for one shape: named property loads (keys quoted by JSON.stringify, so any key
 * is safe) let the compiler keep numbers unboxed all the way into the buffer, which a `for...in`
 * keyed load does not. Where code generation is disallowed, a generic loop does the same, slower.
 */
function compileValuesWriter(keys: readonly string[], w: MsgpackWriter): ValuesWriter {
  const body = keys
    .map(
      (key) =>
        `v = r[${JSON.stringify(key)}];\n` +
        "if (typeof v === 'string') w.string(v);\n" +
        "else if (typeof v === 'number') w.number(v);\n" +
        'else if (!w.literal(v)) return false;',
    )
    .join('\n');
  try {
    const factory = new Function(
      'w',
      `'use strict'; return function writeValues(r) {\nlet v;\n${body}\nreturn true;\n};`,
    );
    return factory(w) as ValuesWriter;
  } catch {
    return (record) => {
      for (const key of keys) {
        const v = record[key];
        if (typeof v === 'string') w.string(v);
        else if (typeof v === 'number') w.number(v);
        else if (!w.literal(v)) return false;
      }
      return true;
    };
  }
}
