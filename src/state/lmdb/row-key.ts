/**
 * The row layout of the embedded backend (Flink's RocksDB layout, with the state in the key instead
 * of a column family). Every (state, key) is one row whose key is
 *
 * ```
 * 0  u32 BE   keyGroup * 65536 + stateId     key-group prefix, then the state
 * 4  key      the key's canonical encoding (see key-encoding.ts) as UTF-16LE code units
 *    or 0xFF 0xFF + SHA-256 of that encoding, for keys too long for an LMDB key (LONG_KEY_MARKER)
 * ```
 *
 * so that the rows of one key group are contiguous (snapshots and restores work per key group) and,
 * inside it, those of one state (incremental snapshots write one blob per state and key group).
 * A canonical encoding starts with an ASCII tag unit, so its first byte is never 0xFF. The row's
 * value is the msgpack of the kind's plain form (the form the key-group snapshot format stores);
 * a long key's row holds `[canonical, plain]` instead, so the key can be read back.
 *
 * Thread: any; pure functions.
 */

import { lazyCrypto } from '../../util/lazy-builtins.ts';
import { decodeCanonicalKey } from '../key-decoding.ts';
import { canonicalKey, ESCAPE } from '../key-encoding.ts';

/** Bytes of the (key group, state) prefix. */
export const PREFIX_BYTES = 4;
/** Largest key part stored as is; LMDB keys are limited to 1978 bytes (lmdb-js). */
const MAX_INLINE_KEY_BYTES = 1024;
/** First byte of a hashed (long) key part. */
const LONG_KEY_MARKER = 0xff;

/** The highest state id: ids fill the low 16 bits of the prefix. */
export const MAX_STATE_ID = 0xffff;

/** The row key of (key group, state, key); `canonical` is the key's canonical encoding. */
export function rowKey(keyGroup: number, stateId: number, canonical: string): Buffer {
  const inlineBytes = canonical.length * 2;
  if (inlineBytes > MAX_INLINE_KEY_BYTES) {
    const digest = lazyCrypto().createHash('sha256').update(canonical, 'utf16le').digest();
    const row = Buffer.allocUnsafe(PREFIX_BYTES + 2 + digest.length);
    row.writeUInt32BE(keyGroup * 0x10000 + stateId, 0);
    row[PREFIX_BYTES] = LONG_KEY_MARKER;
    row[PREFIX_BYTES + 1] = LONG_KEY_MARKER;
    digest.copy(row, PREFIX_BYTES + 2);
    return row;
  }
  const row = Buffer.allocUnsafe(PREFIX_BYTES + inlineBytes);
  row.writeUInt32BE(keyGroup * 0x10000 + stateId, 0);
  row.write(canonical, PREFIX_BYTES, 'utf16le');
  return row;
}

/** Whether a row's key part is hashed: its value then holds `[canonical, plain]`. */
export function isLongRow(row: Uint8Array): boolean {
  return row[PREFIX_BYTES] === LONG_KEY_MARKER;
}

/** Whether a key's row is a long row, from its canonical encoding. */
export function isLongKey(canonical: string): boolean {
  return canonical.length * 2 > MAX_INLINE_KEY_BYTES;
}

/** The user's key of an inline (not long) row. */
export function keyOfRow(row: Buffer): unknown {
  return decodeCanonicalKey(row.toString('utf16le', PREFIX_BYTES));
}

/** The start (inclusive) and end (exclusive) row keys of one state in one key group. */
export function stateRange(keyGroup: number, stateId: number): [Buffer, Buffer] {
  return [prefix(keyGroup * 0x10000 + stateId), prefix(keyGroup * 0x10000 + stateId + 1)];
}

/** The start (inclusive) and end (exclusive) row keys of a whole key group. */
export function keyGroupRows(keyGroup: number): [Buffer, Buffer] {
  return [prefix(keyGroup * 0x10000), prefix((keyGroup + 1) * 0x10000)];
}

function prefix(value: number): Buffer {
  const bytes = Buffer.allocUnsafe(PREFIX_BYTES);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}

/** The canonical encoding of a key stored in a heap table under `mapKey` (see `encodeKey`). */
export function canonicalOfMapKey(mapKey: unknown): string {
  return typeof mapKey === 'string' && mapKey.charCodeAt(0) === ESCAPE.charCodeAt(0)
    ? mapKey.slice(ESCAPE.length)
    : canonicalKey(mapKey);
}
