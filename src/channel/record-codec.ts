/**
 * Encoding of record batches with msgpackr's record extension. Every frame is self-describing
 * (record structures are defined inline the first time they appear in a frame), so a frame can be
 * decoded by any reader, persisted as channel state, or read back after a restart.
 *
 * Batches of flat records take {@link FlatRecordEncoder}, which writes the very bytes msgpackr
 * would, faster; other batches go through msgpackr's `Packr`. Decoding works on a private copy of
 * the frame (msgpackr reads a SharedArrayBuffer view slower than ordinary memory, and must never
 * return binary values that alias ring memory the producer will overwrite): frames of flat records
 * take {@link FlatRecordDecoder}, which gives the objects msgpackr would, faster; others msgpackr.
 *
 * msgpack cannot represent functions, symbols or cyclic objects; msgpackr would silently drop a
 * function, so the encoder turns all three into a {@link RecordEncodeError} naming the channel and
 * the value's type. Likewise a record with an own `__proto__` key (from `JSON.parse`, say): msgpackr
 * decodes that key as `__proto_` (against prototype pollution), so rather than deliver a renamed
 * field the encoder refuses it. Finding one costs a byte search of the encoded batch for the key's
 * msgpack string, and a walk of the batch only when that string occurs (it may be a value).
 */
import { Packr, Unpackr } from 'msgpackr';
import { RecordEncodeError } from '../errors.ts';
import { FlatRecordDecoder } from './flat-record-decoder.ts';
import { FlatRecordEncoder } from './flat-record-encoder.ts';
// Registers the timestamped-record extension with every msgpackr codec of this thread.
import './timestamped-record.ts';

const CODEC_OPTIONS = { useRecords: true, moreTypes: true } as const;

/** Batches encoded by msgpackr before the flat path is tried again, after a batch that was not flat. */
const FLAT_RETRY_AFTER = 16;

/** The msgpack string `__proto__` (fixstr of 9 bytes), as a record definition or map holds the key. */
const PROTO_KEY = Buffer.from([0xa9, ...Buffer.from('__proto__')]);
const PROTO_KEY_TYPE = 'own __proto__ key';

/** Whether `value` or anything in it has an own `__proto__` key (bounded depth, like msgpackr's). */
function hasOwnProtoKey(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => hasOwnProtoKey(v, depth + 1));
  if (Object.hasOwn(value, '__proto__')) return true;
  for (const key in value)
    if (hasOwnProtoKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

class UnencodableValue extends Error {
  constructor(readonly valueType: string) {
    super(`unencodable ${valueType}`);
  }
}

/** Encodes arrays of records into msgpack bytes. One per producer thread and channel. */
export class RecordEncoder {
  readonly #channel: string;
  readonly #flat = new FlatRecordEncoder();
  /** Batches left before the flat path is tried again. */
  #skipFlat = 0;
  readonly #packr = new Packr({
    ...CODEC_OPTIONS,
    writeFunction: () => {
      throw new UnencodableValue('function');
    },
  });

  constructor(channel: string) {
    this.#channel = channel;
  }

  /**
   * Encodes `records`. The returned bytes are only valid until the next call (they live in the
   * encoder's reused buffer): copy them or write them out before encoding again.
   * @throws RecordEncodeError naming the first record that cannot be encoded.
   */
  encode(records: readonly unknown[]): Uint8Array {
    if (this.#skipFlat === 0) {
      const bytes = this.#flat.encode(records);
      if (bytes !== null) return bytes;
      this.#skipFlat = FLAT_RETRY_AFTER;
    } else {
      this.#skipFlat--;
    }
    try {
      const bytes = this.#packr.pack(records);
      if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf(PROTO_KEY) >= 0) {
        const index = records.findIndex((r) => hasOwnProtoKey(r, 0));
        if (index >= 0) throw new UnencodableValue(PROTO_KEY_TYPE);
      }
      return bytes;
    } catch (error) {
      throw this.#explain(records, error);
    }
  }

  /** Index of the first record that cannot be encoded, or -1 (slow path, after a failure). */
  firstUnencodable(records: readonly unknown[]): number {
    for (let i = 0; i < records.length; i++) {
      if (hasOwnProtoKey(records[i], 0)) return i;
      try {
        this.#packr.pack(records[i]);
      } catch {
        return i;
      }
    }
    return -1;
  }

  #explain(records: readonly unknown[], error: unknown): RecordEncodeError {
    const index = this.firstUnencodable(records);
    const record = index >= 0 ? records[index] : records;
    return new RecordEncodeError(this.#channel, classify(error), record, error);
  }
}

function classify(error: unknown): string {
  if (error instanceof UnencodableValue) return error.valueType;
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'cyclic object';
  if (error instanceof Error) {
    const match = /Unknown type: (\w+)/.exec(error.message);
    if (match?.[1]) return match[1];
  }
  return 'unknown';
}

/** Decodes record batches. One per consumer thread. */
export class RecordDecoder {
  /** `copyBuffers`: binary values are copied out of the source, never views of it. */
  readonly #unpackr = new Unpackr({ ...CODEC_OPTIONS, copyBuffers: true });
  /** Private copy of a frame that lives in shared memory. */
  #scratch: Buffer = Buffer.allocUnsafeSlow(64 * 1024);

  readonly #flat = new FlatRecordDecoder();

  /** Decodes one frame's payload into a fresh array of records that shares no memory with it. */
  decode(bytes: Uint8Array): unknown[] {
    if (!(bytes.buffer instanceof SharedArrayBuffer)) {
      const own = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      return this.#flat.decode(own, own.length) ?? (this.#unpackr.unpack(bytes) as unknown[]);
    }
    const length = bytes.length;
    if (this.#scratch.length < length)
      this.#scratch = Buffer.allocUnsafeSlow(Math.max(length, 2 * this.#scratch.length));
    this.#scratch.set(bytes);
    return (
      this.#flat.decode(this.#scratch, length) ?? (this.#unpackr.unpack(this.#scratch, length) as unknown[])
    );
  }
}
