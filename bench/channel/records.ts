/**
 * The records every peer carries, generated identically (seeded) in every thread: a small record
 * `{ key, value, ts }` and the same with a 1 KiB string payload. Also the checksum that the
 * consumer computes and the main thread checks, so that no peer can skip or corrupt records.
 */
import { RecordEncoder } from '../../src/channel/record-codec.ts';

/** A benchmark record; `payload` only in the `kib` variant. */
export interface BenchRecord {
  readonly key: string;
  readonly value: number;
  readonly ts: number;
  readonly payload?: string;
}

export type RecordVariant = 'small' | 'kib';
export const RECORD_VARIANTS: readonly RecordVariant[] = ['small', 'kib'];

/** Bytes of the `kib` variant's payload string (ASCII, so also its UTF-8 size). */
export const PAYLOAD_CHARS = 1024;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** An epoch-milliseconds timestamp (Nov 2023), an integer beyond 2^32 like `Date.now()`. */
const BASE_TS = 1_700_000_000_000;

/** mulberry32: a tiny seeded PRNG, so that every thread builds the very same pool. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function text(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return s;
}

/** `size` records of `variant`: keys of 8 to 16 characters, float values, integer ms timestamps. */
export function makePool(variant: RecordVariant, size: number): BenchRecord[] {
  const random = prng(variant === 'small' ? 1 : 2);
  const pool: BenchRecord[] = [];
  for (let i = 0; i < size; i++) {
    const key = text(random, 8 + Math.floor(random() * 9));
    const value = Math.round(random() * 1e8) / 100;
    const ts = BASE_TS + i;
    pool.push(
      variant === 'small' ? { key, value, ts } : { key, value, ts, payload: text(random, PAYLOAD_CHARS) },
    );
  }
  return pool;
}

/** Folds one record into a running checksum; touches every field, as a real consumer would. */
export function checksumStep(sum: number, r: BenchRecord): number {
  return (sum + r.key.length + (r.value | 0) + (r.ts | 0) + (r.payload?.length ?? 0)) | 0;
}

/** The checksum a consumer must report after receiving `count` records taken in order from `pool`. */
export function expectedChecksum(pool: readonly BenchRecord[], count: number): number {
  let sum = 0;
  for (let i = 0; i < count; i++) sum = checksumStep(sum, pool[i & (pool.length - 1)]!);
  return sum;
}

/** Average msgpack size of a record of the pool (weir's codec): the bytes that MB/s counts. */
export function encodedBytesPerRecord(pool: readonly BenchRecord[]): number {
  return new RecordEncoder('size').encode(pool).length / pool.length;
}

/** Wall-clock milliseconds comparable across threads (each thread has its own `timeOrigin`). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
