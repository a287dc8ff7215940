// The streaming hasher equals byte-oriented murmur3_32 over UTF-16LE bytes, however it is fed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Murmur3Utf16 } from '../../../src/state/murmur3.ts';

/** Reference murmur3 x86 32-bit over bytes, written from the algorithm's description. */
function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  let h = seed | 0;
  const blocks = bytes.length >> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    let k = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = bytes[tail]!;
    if (rest > 1) k ^= bytes[tail + 1]! << 8;
    if (rest > 2) k ^= bytes[tail + 2]! << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function utf16le(s: string): Uint8Array {
  const bytes = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    bytes[i * 2] = s.charCodeAt(i) & 0xff;
    bytes[i * 2 + 1] = s.charCodeAt(i) >>> 8;
  }
  return bytes;
}

function hashUnits(s: string, seed = 0): number {
  const hasher = new Murmur3Utf16();
  hasher.reset(seed);
  hasher.units(s);
  return hasher.digest();
}

describe('murmur3', () => {
  it('the reference implementation matches published murmur3_32 vectors', () => {
    const ascii = (s: string) => new TextEncoder().encode(s);
    expect(murmur3Bytes(ascii(''))).toBe(0);
    expect(murmur3Bytes(ascii(''), 1)).toBe(0x514e28b7);
    expect(murmur3Bytes(ascii('test'))).toBe(0xba6bd213);
    expect(murmur3Bytes(ascii('Hello, world!'), 1234)).toBe(0xfaf6cdb3);
    expect(murmur3Bytes(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
  });

  it('hashes code units as their UTF-16LE bytes', () => {
    for (const s of ['', 'a', 'ab', 'abc', 'héllo wörld', '日本語', '\u{1f600}', '\uD800'])
      for (const seed of [0, 42])
        expect(hashUnits(s, seed), JSON.stringify(s)).toBe(murmur3Bytes(utf16le(s), seed));
  });

  it('gives the same hash however the units are split between unit() and units() calls', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { maxLength: 6 }),
        fc.boolean(),
        (parts, perUnit) => {
          const hasher = new Murmur3Utf16();
          hasher.reset();
          for (const part of parts) {
            if (perUnit) for (let i = 0; i < part.length; i++) hasher.unit(part.charCodeAt(i));
            else hasher.units(part);
          }
          expect(hasher.digest()).toBe(murmur3Bytes(utf16le(parts.join(''))));
        },
      ),
    );
  });
});
