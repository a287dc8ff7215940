/**
 * MurmurHash3 (x86, 32-bit, Austin Appleby's public-domain algorithm) fed with UTF-16 code units,
 * which it hashes as their little-endian bytes: hashing the units of a string gives the same value
 * as hashing the string's UTF-16LE bytes with any byte-oriented murmur3. The hasher is streaming so
 * that keys are hashed without building their encoding first (no allocation per record).
 *
 * Thread: any; an instance is not reentrant, so each thread uses its own (module singletons are
 * per thread under worker_threads).
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** murmur3's body step: hash state `h` after mixing in the 4-byte block `block`. */
export function murmur3Mix(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * murmur3's tail and finalisation: `tail` is the one pending UTF-16 unit of an incomplete block, or
 * -1; `units` the number of units hashed in all. Returns the hash as an unsigned 32-bit integer.
 */
export function murmur3Finish(h: number, tail: number, units: number): number {
  if (tail >= 0) {
    let k = Math.imul(tail, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  return murmur3Fmix32(h ^ (units * 2));
}

/** murmur3's finalisation mix (`fmix32`): a 32-bit avalanche of `h`, unsigned. */
export function murmur3Fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Streaming murmur3_32 over UTF-16 code units: `reset`, feed `unit`/`units`, then `digest`. */
export class Murmur3Utf16 {
  #h = 0;
  /** The first unit of an incomplete 4-byte block, valid when `#odd`. */
  #pending = 0;
  #odd = false;
  #units = 0;

  /** Starts a new hash with `seed`. */
  reset(seed = 0): void {
    this.#h = seed | 0;
    this.#pending = 0;
    this.#odd = false;
    this.#units = 0;
  }

  /** Feeds one code unit (0..0xffff). */
  unit(u: number): void {
    if (this.#odd) {
      this.#mix(this.#pending | (u << 16));
      this.#odd = false;
    } else {
      this.#pending = u;
      this.#odd = true;
    }
    this.#units++;
  }

  /** Feeds every code unit of `s`. */
  units(s: string): void {
    const n = s.length;
    if (n === 0) return;
    let i = 0;
    if (this.#odd) {
      this.#mix(this.#pending | (s.charCodeAt(0) << 16));
      this.#odd = false;
      i = 1;
    }
    // Aligned: two units per block, no branch on the half-block state.
    for (; i + 1 < n; i += 2) this.#mix(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < n) {
      this.#pending = s.charCodeAt(i);
      this.#odd = true;
    }
    this.#units += n;
  }

  /** The hash of everything fed since `reset`, as an unsigned 32-bit integer. */
  digest(): number {
    return murmur3Finish(this.#h, this.#odd ? this.#pending : -1, this.#units);
  }

  #mix(block: number): void {
    this.#h = murmur3Mix(this.#h, block);
  }
}
