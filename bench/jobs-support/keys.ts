/**
 * Key distributions of the benchmark jobs, as pure functions of the record number (every thread,
 * and a rewound source, computes the same key): uniform over `keys` keys, or with a share of the
 * records on one hot key. Record numbers are scrambled first, so that every key is reached and
 * neighbouring records do not share a key.
 */

import { murmur3Fmix32 } from '../../src/state/murmur3.ts';

/** Number of the hot key. */
export const HOT_KEY = 0;

/** A 32-bit scramble of `n` (murmur3's finaliser over the low 32 bits). */
export function mix32(n: number): number {
  return murmur3Fmix32(n >>> 0);
}

/**
 * The key of record `n`: the hot key for a share `hotShare` (0..1) of the records, else one of
 * `keys` keys, uniformly.
 */
export function keyOf(n: number, keys: number, hotShare: number): number {
  const h = mix32(n);
  if (hotShare > 0 && (h % 1000) / 1000 < hotShare) return HOT_KEY;
  return (h >>> 10) % keys;
}
