// Keys have one canonical encoding: equal keys (by value) encode, hash and store alike; others don't.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidKeyError, StateAccessError } from '../../../src/state/errors.ts';
import { decodeCanonicalKey, fromMapKey } from '../../../src/state/key-decoding.ts';
import { canonicalKey, EncodedKey, encodeKey, hashKey, toMapKey } from '../../../src/state/key-encoding.ts';
import { Murmur3Utf16 } from '../../../src/state/murmur3.ts';
import { anyKey } from './arbitraries.ts';

function invalid(key: unknown): InvalidKeyError {
  try {
    hashKey(key);
  } catch (error) {
    if (error instanceof InvalidKeyError) return error;
    throw error;
  }
  throw new Error('expected an InvalidKeyError');
}

describe('canonical key encoding', () => {
  it('decodes back to a key with the same encoding', () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        const canonical = canonicalKey(key);
        expect(canonicalKey(decodeCanonicalKey(canonical))).toBe(canonical);
      }),
    );
  });

  it('decodes to an equal value', () => {
    const keys = [null, true, false, 0, 1.5, -7, 2 ** 60, Infinity, 'x', '', 12345678901234567890n, -3n, 0n];
    for (const key of keys) expect(decodeCanonicalKey(canonicalKey(key))).toEqual(key);
    expect(Number.isNaN(decodeCanonicalKey(canonicalKey(Number.NaN)))).toBe(true);
    const nested = { user: ['a', 1, { deep: [true, null, 5n] }], id: 7 };
    expect(decodeCanonicalKey(canonicalKey(nested))).toEqual(nested);
  });

  it('keeps an own "__proto__" key a key, without touching the prototype', () => {
    const key = JSON.parse('{"__proto__": 1, "a": 2}') as object;
    const decoded = decodeCanonicalKey(canonicalKey(key)) as object;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'a']);
  });

  it('hashes the canonical encoding with murmur3, streaming or not', () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        const hasher = new Murmur3Utf16();
        hasher.reset();
        hasher.units(canonicalKey(key));
        expect(hashKey(key)).toBe(hasher.digest());
      }),
    );
  });

  it('treats equal values as one key: 1 and 1.0, -0 and 0, every NaN, object keys in any order', () => {
    const same: [unknown, unknown][] = [
      [1, 1.0],
      [-0, 0],
      [Number.NaN, 0 / 0],
      [
        { a: 1, b: [2, 'x'] },
        { b: [2, 'x'], a: 1 },
      ],
      [Object.assign(Object.create(null) as object, { k: 1 }), { k: 1 }],
      [
        [1, [2, [3]]],
        [1, [2, [3]]],
      ],
    ];
    for (const [a, b] of same) {
      expect(canonicalKey(a)).toBe(canonicalKey(b));
      expect(hashKey(a)).toBe(hashKey(b));
    }
  });

  it('tells apart values of different types that print alike', () => {
    const distinct = [1, 1n, '1', true, 'true', [1], { 0: 1 }, ['1'], null, 'null', [], {}, '', [[]], [null]];
    const encodings = new Set(distinct.map((key) => canonicalKey(key)));
    expect(encodings.size).toBe(distinct.length);
  });

  it('refuses values that cannot be keys, naming their type and where they sit', () => {
    class Point {
      x = 1;
    }
    const cases: [unknown, string, string][] = [
      [undefined, 'undefined', ''],
      [() => 1, 'function', ''],
      [Symbol('s'), 'symbol', ''],
      [new Date(0), 'Date', ''],
      [new Map(), 'Map', ''],
      [new Point(), 'Point', ''],
      [[1, undefined], 'undefined', '[1]'],
      [{ a: { b: () => 1 } }, 'function', '.a.b'],
      [{ 'odd key': [Symbol('s')] }, 'symbol', '["odd key"][0]'],
      // biome-ignore lint/suspicious/noSparseArray: a hole is not a key
      [[1, , 3], 'undefined', '[1]'],
    ];
    for (const [key, keyType, path] of cases) {
      const error = invalid(key);
      expect(error).toBeInstanceOf(StateAccessError);
      expect(error.code).toBe('ERR_STATE_ACCESS');
      expect(error.reason).toBe('invalid-key');
      expect(error.keyType).toBe(keyType);
      expect(error.path).toBe(path);
      expect(error.message).toContain(keyType);
    }
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    expect(invalid(cyclic).keyType).toBe('cyclic or too deeply nested object');
    expect(() => toMapKey(undefined)).toThrow(InvalidKeyError);
    expect(() => canonicalKey({ f: () => 1 })).toThrow(InvalidKeyError);
  });
});

describe('map keys', () => {
  it('are the key itself for primitives, so that state lookups allocate nothing', () => {
    for (const key of ['abc', '', 42, -1.5, true, null, 7n]) expect(toMapKey(key)).toBe(key);
  });

  it('round-trip, and share a Map slot exactly when the keys are equal (strings never collide with arrays)', () => {
    fc.assert(
      fc.property(anyKey, anyKey, (a, b) => {
        expect(canonicalKey(fromMapKey(toMapKey(a)))).toBe(canonicalKey(a));
        // A Map (SameValueZero) puts two keys in one slot exactly when their encodings are equal.
        const sameSlot = new Map([[toMapKey(a), true]]).has(toMapKey(b));
        expect(sameSlot).toBe(canonicalKey(a) === canonicalKey(b));
        const copy = decodeCanonicalKey(canonicalKey(a));
        expect(new Map([[toMapKey(a), true]]).has(toMapKey(copy))).toBe(true);
      }),
    );
    const escaped = toMapKey('\u0000a');
    expect(escaped).not.toBe('\u0000a');
    expect(fromMapKey(escaped)).toBe('\u0000a');
  });

  it('encodeKey gives the map key and the hash in one pass', () => {
    const out = new EncodedKey();
    fc.assert(
      fc.property(anyKey, (key) => {
        encodeKey(key, out);
        expect(out.hash).toBe(hashKey(key));
        expect(canonicalKey(fromMapKey(out.mapKey))).toBe(canonicalKey(key));
      }),
    );
  });
});

describe('hashKey fast paths', () => {
  const reference = (key: unknown): number => {
    const h = new Murmur3Utf16();
    h.reset();
    h.units(canonicalKey(key));
    return h.digest();
  };

  it('hash strings and numbers exactly as murmur3 over their canonical encoding', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.double(), fc.integer()), (key) => {
        expect(hashKey(key)).toBe(reference(key));
      }),
      { numRuns: 2000 },
    );
    for (const key of ['', 'a', 'ab', 'x'.repeat(70_000), -0, Number.NaN, -Infinity, 2 ** 53, 5e-324])
      expect(hashKey(key)).toBe(reference(key));
  });

  it('keep the hashes (and so key groups) that checkpoints and savepoints were written with', () => {
    const frozen: Array<[unknown, number]> = [
      ['', 3649877276],
      ['a', 81710792],
      ['ab', 736392701],
      ['word', 3240939673],
      ['the quick brown fox', 3791962203],
      ['ünïcødé ✓', 3145657247],
      ['\u0000x', 2288252577],
      [0, 2549560990],
      [-0, 2549560990],
      [1, 1269204043],
      [-1, 3369292323],
      [0.5, 2944288838],
      [1e300, 140624720],
      [Number.NaN, 1021986680],
      [Infinity, 2542105729],
      [2 ** 53, 182116486],
      [true, 975088374],
      [null, 3841667286],
      [7n, 213021253],
      [['a', 1], 148263936],
      [{ k: 1 }, 1865298781],
    ];
    for (const [key, hash] of frozen) expect(hashKey(key), String(key)).toBe(hash);
  });
});
