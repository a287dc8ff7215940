/**
 * The key-group snapshot format, shared by all backends so that a snapshot restores into any of
 * them (and at any parallelism: each blob holds exactly one key group). One blob:
 *
 * ```
 * 0  'W' 'K'        magic
 * 2  u8 version     FORMAT_VERSION
 * 3  u8 0           reserved
 * 4  u32 LE crc32   of the payload (zlib's CRC-32)
 * 8  payload        concatenated msgpack items:
 *      [keyGroup, maxParallelism, stateCount]
 *      per state:  [name, kind, entryCount]  then batches [k0, v0, k1, v1, ...] holding entryCount pairs
 * ```
 *
 * Keys are the user's keys; values are each kind's plain form (a value, a list's array, a map's
 * flattened `[k0, v0, ...]`, an accumulator). Items are packed with msgpackr's record extension, each
 * batch self-describing, so a writer can emit batches between yields to the event loop. The
 * checksum catches corruption that would otherwise decode into plausible garbage.
 */
import { crc32 } from 'node:zlib';
import { Packr, Unpackr } from 'msgpackr';
import { describeValue } from '../errors.ts';
import { StateAccessError, StateRestoreError } from './errors.ts';
import { STATE_KINDS, type StateKind } from './state-descriptor.ts';

/** The version written; readers refuse others. */
export const FORMAT_VERSION = 1;
const HEADER_BYTES = 8;
const MAGIC_0 = 0x57; // W
const MAGIC_1 = 0x4b; // K

const CODEC_OPTIONS = { useRecords: true, moreTypes: true } as const;

/** Thrown by the state packers when they meet a function (msgpackr would drop it silently). */
export class UnencodableFunction extends Error {}

/** Throws {@link UnencodableFunction}: the `writeFunction` option of every state packer. */
export const refuseFunction = (): never => {
  throw new UnencodableFunction('function');
};

/** A msgpack packer with the format's options; functions are refused, not silently dropped. */
export function createStatePackr(): Packr {
  return new Packr({ ...CODEC_OPTIONS, writeFunction: refuseFunction });
}

/**
 * The error for a state value msgpack cannot encode (`error`, thrown by a state packer), naming the
 * state, key group and key.
 */
export function unencodableValue(
  stateName: string,
  keyGroup: number,
  key: unknown,
  error: unknown,
): StateAccessError {
  const what =
    error instanceof UnencodableFunction
      ? 'a function'
      : error instanceof RangeError
        ? 'a cyclic or too deeply nested value'
        : `a value msgpack cannot encode (${error instanceof Error ? error.message : String(error)})`;
  return new StateAccessError(
    'unencodable-value',
    `state ${JSON.stringify(stateName)} holds ${what} under key ${describeValue(key)} ` +
      `(key group ${keyGroup}); state values must be plain data`,
    { cause: error },
  );
}

/** Writes one key group's blob, state by state and batch by batch. */
export class KeyGroupWriter {
  readonly #packr: Packr;
  readonly #keyGroup: number;
  #buffer = new Uint8Array(4096);
  #length = HEADER_BYTES;
  #stateName = '';

  constructor(packr: Packr, keyGroup: number, maxParallelism: number, stateCount: number) {
    this.#packr = packr;
    this.#keyGroup = keyGroup;
    this.#append(packr.pack([keyGroup, maxParallelism, stateCount]));
  }

  /** Starts a state of `entryCount` entries; its batches follow. */
  beginState(name: string, kind: StateKind, entryCount: number): void {
    this.#stateName = name;
    this.#append(this.#packr.pack([name, kind, entryCount]));
  }

  /**
   * Appends a batch of flattened `[key, plainValue, ...]` pairs of the current state.
   * @throws StateAccessError `unencodable-value` naming the state, key group and key.
   */
  writeBatch(flat: readonly unknown[]): void {
    let bytes: Uint8Array;
    try {
      bytes = this.#packr.pack(flat);
    } catch (error) {
      throw this.#explain(flat, error);
    }
    this.#append(bytes);
  }

  /** Bytes written so far: a mark for {@link since}. */
  get length(): number {
    return this.#length;
  }

  /** A copy of what was written since `mark` (a {@link length}): one state's part, say. */
  since(mark: number): Uint8Array {
    return this.#buffer.slice(mark, this.#length);
  }

  /** Appends what {@link since} returned for the same state, entries unchanged. */
  appendEncoded(bytes: Uint8Array): void {
    this.#append(bytes);
  }

  /** The finished blob (header, checksum, payload). The writer must not be used afterwards. */
  finish(): Uint8Array {
    const blob = this.#buffer.subarray(0, this.#length);
    blob[0] = MAGIC_0;
    blob[1] = MAGIC_1;
    blob[2] = FORMAT_VERSION;
    blob[3] = 0;
    new DataView(blob.buffer, blob.byteOffset, HEADER_BYTES).setUint32(
      4,
      crc32(blob.subarray(HEADER_BYTES)),
      true,
    );
    // Trim, so that the blob does not pin the spare capacity of the growth buffer.
    return blob.slice();
  }

  #append(bytes: Uint8Array): void {
    const needed = this.#length + bytes.length;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(bytes, this.#length);
    this.#length = needed;
  }

  #explain(flat: readonly unknown[], error: unknown): StateAccessError {
    let key: unknown;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      try {
        this.#packr.pack(flat[i + 1]);
        this.#packr.pack(flat[i]);
      } catch {
        key = flat[i];
        break;
      }
    }
    return unencodableValue(this.#stateName, this.#keyGroup, key, error);
  }
}

/**
 * Checks a key group's blob without decoding it: magic, version and (unless `verified`) its CRC-32.
 * @throws StateRestoreError `corrupt` or `unsupported-version`.
 */
export function checkKeyGroupBlob(
  bytes: Uint8Array,
  keyGroup: number,
  options: { readonly verified?: boolean } = {},
): void {
  const corrupt = (detail: string): StateRestoreError =>
    new StateRestoreError('corrupt', keyGroup, `snapshot bytes are corrupt: ${detail}`);
  if (!(bytes instanceof Uint8Array)) throw corrupt(`expected a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < HEADER_BYTES || bytes[0] !== MAGIC_0 || bytes[1] !== MAGIC_1)
    throw corrupt('not a key-group snapshot (bad magic)');
  if (bytes[2] !== FORMAT_VERSION)
    throw new StateRestoreError(
      'unsupported-version',
      keyGroup,
      `snapshot format version ${bytes[2]} is not supported (this version reads ${FORMAT_VERSION})`,
    );
  if (options.verified === true) return;
  const expected = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES).getUint32(4, true);
  if (crc32(bytes.subarray(HEADER_BYTES)) !== expected) throw corrupt('checksum mismatch');
}

/** One state of a decoded key group. */
export interface DecodedState {
  readonly name: string;
  readonly kind: StateKind;
  /** Flattened `[key, plainValue, ...]` pairs. */
  readonly entries: unknown[];
}

/**
 * Decodes and validates a key group's blob; `verified`: its bytes were checked by a checksum that
 * covers them, so its own CRC-32 is not computed again.
 * @throws StateRestoreError `corrupt` (bad magic, checksum, structure, or another key group's
 * blob), `unsupported-version` or `max-parallelism-mismatch`.
 */
export function readKeyGroup(
  bytes: Uint8Array,
  keyGroup: number,
  maxParallelism: number,
  options: { readonly verified?: boolean } = {},
): DecodedState[] {
  const corrupt = (detail: string, cause?: unknown): StateRestoreError =>
    new StateRestoreError('corrupt', keyGroup, `snapshot bytes are corrupt: ${detail}`, { cause });
  checkKeyGroupBlob(bytes, keyGroup, options);
  const payload = bytes.subarray(HEADER_BYTES);
  let items: unknown[];
  try {
    items = new Unpackr(CODEC_OPTIONS).unpackMultiple(payload) as unknown[];
  } catch (error) {
    throw corrupt('msgpack decoding failed', error);
  }
  let next = 0;
  const item = (): unknown[] => {
    const value = items[next++];
    if (!Array.isArray(value)) throw corrupt(`item ${next - 1} is not an array`);
    return value;
  };
  const [group, writtenMaxParallelism, stateCount] = item();
  if (group !== keyGroup) throw corrupt(`the blob holds key group ${describeValue(group)}`);
  if (writtenMaxParallelism !== maxParallelism)
    throw new StateRestoreError(
      'max-parallelism-mismatch',
      keyGroup,
      `the snapshot was written with maxParallelism ${describeValue(writtenMaxParallelism)}, ` +
        `this backend has ${maxParallelism}; max parallelism cannot change across a restore`,
    );
  if (!isCount(stateCount)) throw corrupt('bad state count');
  const states: DecodedState[] = [];
  for (let s = 0; s < stateCount; s++) {
    const [name, kind, entryCount] = item();
    if (typeof name !== 'string' || name === '') throw corrupt('bad state name');
    if (!STATE_KINDS.includes(kind as StateKind)) throw corrupt(`unknown state kind ${describeValue(kind)}`);
    if (!isCount(entryCount)) throw corrupt('bad entry count');
    const entries: unknown[] = [];
    while (entries.length < entryCount * 2) {
      const batch = item();
      if (batch.length === 0 || batch.length % 2 !== 0 || entries.length + batch.length > entryCount * 2)
        throw corrupt(`bad batch in state ${JSON.stringify(name)}`);
      for (const value of batch) entries.push(value);
    }
    states.push({ name, kind: kind as StateKind, entries });
  }
  if (next !== items.length) throw corrupt('trailing data');
  return states;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
