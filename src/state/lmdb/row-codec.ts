/**
 * Row values of the embedded backend: the msgpack of each kind's plain form (the form the
 * key-group snapshot format stores, see `key-group-codec.ts`), converted to and from the stored
 * form the shared state handles work on (a raw value for value state, a `Cell` for the others)
 * by the heap backend's kind strategies, so both backends agree on what a value means. Rows are
 * packed one by one, so without msgpackr's record extension (its structures would live in one
 * packer only).
 *
 * Thread: the owning subtask's worker thread.
 */
import { Packr, Unpackr } from 'msgpackr';
import { heapKind } from '../heap/heap-kind-registry.ts';
import { decodeCanonicalKey } from '../key-decoding.ts';
import { refuseFunction, unencodableValue } from '../key-group-codec.ts';
import type { StateKind } from '../state-descriptor.ts';
import { isLongKey, isLongRow, keyOfRow, PREFIX_BYTES } from './row-key.ts';

const CODEC_OPTIONS = { useRecords: false, moreTypes: true } as const;
const packr = new Packr({ ...CODEC_OPTIONS, writeFunction: refuseFunction });
const unpackr = new Unpackr(CODEC_OPTIONS);

/**
 * The row value of `stored` (the stored form of `kind`) for the key with encoding `canonical`.
 * @throws StateAccessError `unencodable-value` naming the state, key group and key.
 */
export function encodeRowValue(
  name: string,
  kind: StateKind,
  keyGroup: number,
  canonical: string,
  stored: unknown,
): Uint8Array {
  const plain = heapKind(kind).toPlain(stored);
  try {
    return isLongKey(canonical) ? packr.pack([canonical, plain]) : packr.pack(plain);
  } catch (error) {
    throw unencodableValue(name, keyGroup, decodeCanonicalKey(canonical), error);
  }
}

/** The plain form held by a row (`key` is the row key, `value` its value). */
export function rowPlain(key: Buffer, value: Buffer): unknown {
  const decoded: unknown = unpackr.unpack(value);
  return isLongRow(key) ? (decoded as [string, unknown])[1] : decoded;
}

/** The canonical key encoding of a row. */
export function rowCanonical(key: Buffer, value: Buffer): string {
  return isLongRow(key)
    ? (unpackr.unpack(value) as [string, unknown])[0]
    : key.toString('utf16le', PREFIX_BYTES);
}

/** The user's key of a row. */
export function rowUserKey(key: Buffer, value: Buffer): unknown {
  return isLongRow(key) ? decodeCanonicalKey(rowCanonical(key, value)) : keyOfRow(key);
}

/** The stored form of `kind` held by a row value, or `undefined` for none (an empty list). */
export function decodeRowValue(kind: StateKind, key: Buffer, value: Buffer): unknown {
  return heapKind(kind).fromPlain(rowPlain(key, value), 0);
}
