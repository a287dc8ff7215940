/**
 * The records every peer carries, generated identically (seeded) in every thread: a small record
 * `{ key, value, ts }` and the same with a string payload of 64 B, 256 B, 1 KiB, 4 KiB or 64 KiB. Also the checksum that the
 * consumer computes and the main thread checks, so that no peer can skip or corrupt records.
 */
import { RecordEncoder } from '../../src/channel/record-codec.ts';

/** A benchmark record; `payload` in every variant but `small`. */
export interface BenchRecord {
  readonly key: string;
  readonly value: number;
  readonly ts: number;
  readonly payload?: string;
}

/** The record sizes, smallest first (`kib` is the 1 KiB variant, named so before the others). */
export const RECORD_VARIANTS = ['small', '64B', '256B', 'kib', '4KiB', '64KiB'] as const;
export type RecordVariant = (typeof RECORD_VARIANTS)[number];

/** Characters of each variant's payload string (ASCII, so also its UTF-8 size); none for `small`. */
export const PAYLOAD_CHARS: Readonly<Record<RecordVariant, number>> = {
  small: 0,
  '64B': 64,
  '256B': 256,
  kib: 1024,
  '4KiB': 4096,
  '64KiB': 65_536,
};

/** One value per record variant. */
export type PerVariant<T> = Readonly<Record<RecordVariant, T>>;

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
  // Seeds 1 (small) and 2 (1 KiB) as before the other sizes existed: the same records as then.
  const random = prng(variant === 'small' ? 1 : variant === 'kib' ? 2 : 3 + RECORD_VARIANTS.indexOf(variant));
  const payload = PAYLOAD_CHARS[variant];
  const pool: BenchRecord[] = [];
  for (let i = 0; i < size; i++) {
    const key = text(random, 8 + Math.floor(random() * 9));
    const value = Math.round(random() * 1e8) / 100;
    const ts = BASE_TS + i;
    pool.push(payload === 0 ? { key, value, ts } : { key, value, ts, payload: text(random, payload) });
  }
  return pool;
}

/** Folds one record into a running checksum; touches every field, as a real consumer would. */
export function checksumStep(sum: number, r: BenchRecord): number {
  return (sum + r.key.length + (r.value | 0) + (r.ts | 0) + (r.payload?.length ?? 0)) | 0;
}

/** Pools of `poolRecords[v]` records for each of `variants` (the others empty). */
export function makePools(
  poolRecords: PerVariant<number>,
  variants: readonly RecordVariant[] = RECORD_VARIANTS,
): PerVariant<BenchRecord[]> {
  const pools = {} as Record<RecordVariant, BenchRecord[]>;
  for (const variant of RECORD_VARIANTS)
    pools[variant] = variants.includes(variant) ? makePool(variant, poolRecords[variant]) : [];
  return pools;
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
