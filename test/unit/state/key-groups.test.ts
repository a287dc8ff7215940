// Keys map to key groups by a fixed hash, evenly; every key group is owned by exactly one subtask.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.ts';
import { InvalidKeyError } from '../../../src/state/errors.ts';
import { hashKey } from '../../../src/state/key-encoding.ts';
import {
  checkKeyGroupRange,
  computeOperatorIndexForKeyGroup,
  DEFAULT_MAX_PARALLELISM,
  keyGroupFor,
  keyGroupRangeContains,
  keyGroupRangeForOperator,
  subtaskForKey,
  subtaskSelector,
  UPPER_BOUND_MAX_PARALLELISM,
} from '../../../src/state/key-groups.ts';
import { anyKey } from './arbitraries.ts';

describe('keyGroupFor', () => {
  it('is pinned: these hashes and key groups never change (snapshots and routing depend on them)', () => {
    const pinned: [unknown, number, number][] = [
      ['', 0xd98cb51c, 28],
      ['a', 0x04decec8, 72],
      ['user-42', 0x28fd41a4, 36],
      ['héllo', 0x54e04c12, 18],
      [0, 0x97f7369e, 30],
      [1, 0x4ba6844b, 75],
      [-1, 0xc8d35223, 35],
      [1.5, 0xeee87000, 0],
      [2 ** 53, 0x0adae086, 6],
      [Number.NaN, 0x3cea4778, 120],
      [true, 0x3a1eaaf6, 118],
      [false, 0xb8b6ee52, 82],
      [null, 0xe4fb30d6, 86],
      [42n, 0xdfefd1c0, 64],
      [-(2n ** 70n), 0x442f7404, 4],
      [[1, 'a'], 0xfd26adab, 43],
      [{ id: 7, region: 'eu' }, 0x2b6b149c, 28],
    ];
    for (const [key, hash, keyGroup] of pinned) {
      expect(hashKey(key), String(key)).toBe(hash);
      expect(keyGroupFor(key), String(key)).toBe(keyGroup);
      expect(keyGroupFor(key, 4096)).toBe(hash % 4096);
    }
  });

  it('defaults to 128 key groups and stays in range for any key and max parallelism', () => {
    expect(DEFAULT_MAX_PARALLELISM).toBe(128);
    fc.assert(
      fc.property(anyKey, fc.integer({ min: 1, max: UPPER_BOUND_MAX_PARALLELISM }), (key, max) => {
        const group = keyGroupFor(key, max);
        expect(Number.isInteger(group) && group >= 0 && group < max).toBe(true);
      }),
    );
  });

  it('spreads sequential numbers and similar strings evenly over key groups', () => {
    const n = 128 * 400;
    for (const make of [(i: number) => i, (i: number) => `user-${i}`, (i: number) => [i, 'x']]) {
      const counts = new Array<number>(128).fill(0);
      for (let i = 0; i < n; i++) counts[keyGroupFor(make(i))]!++;
      // Expected 400 per group; a fair hash stays within ±25% (about 5 standard deviations).
      expect(Math.min(...counts)).toBeGreaterThan(300);
      expect(Math.max(...counts)).toBeLessThan(500);
    }
  });

  it('rejects keys that cannot be keys, and bad max parallelisms, with typed errors', () => {
    expect(() => keyGroupFor(undefined)).toThrow(InvalidKeyError);
    expect(() => keyGroupFor(() => 1)).toThrow(/function/);
    for (const max of [0, -1, 1.5, Number.NaN, UPPER_BOUND_MAX_PARALLELISM + 1]) {
      expect(() => keyGroupFor('k', max)).toThrow(InvalidOptionError);
      expect(() => keyGroupFor('k', max)).toThrow(/maxParallelism/);
    }
  });
});

describe('key-group ranges', () => {
  const pairs: [number, number][] = [];
  for (const max of [1, 2, 3, 7, 10, 64, 127, 128, 129, 1000, 4096])
    for (const parallelism of [1, 2, 3, 4, 5, 7, 8, 13, 64, 100, 128, 1000, 4096])
      if (parallelism <= max) pairs.push([max, parallelism]);

  it('give every key group to exactly one subtask, contiguously and in order', () => {
    for (const [max, parallelism] of pairs) {
      let expectedStart = 0;
      for (let index = 0; index < parallelism; index++) {
        const range = keyGroupRangeForOperator(max, parallelism, index);
        expect(range.start, `${max}/${parallelism}/${index}`).toBe(expectedStart);
        expect(range.end).toBeGreaterThanOrEqual(range.start);
        expectedStart = range.end + 1;
      }
      expect(expectedStart).toBe(max);
    }
  });

  it('agree with computeOperatorIndexForKeyGroup for every key group', () => {
    const mismatches: string[] = [];
    for (const [max, parallelism] of pairs) {
      const ranges = Array.from({ length: parallelism }, (_, i) =>
        keyGroupRangeForOperator(max, parallelism, i),
      );
      for (let keyGroup = 0; keyGroup < max; keyGroup++) {
        const index = computeOperatorIndexForKeyGroup(max, parallelism, keyGroup);
        if (
          index !== Math.floor((keyGroup * parallelism) / max) ||
          !keyGroupRangeContains(ranges[index]!, keyGroup)
        )
          mismatches.push(`max ${max}, parallelism ${parallelism}, key group ${keyGroup} -> ${index}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('match Flink for a few known cases', () => {
    expect(keyGroupRangeForOperator(128, 3, 0)).toEqual({ start: 0, end: 42 });
    expect(keyGroupRangeForOperator(128, 3, 1)).toEqual({ start: 43, end: 85 });
    expect(keyGroupRangeForOperator(128, 3, 2)).toEqual({ start: 86, end: 127 });
    expect(computeOperatorIndexForKeyGroup(128, 3, 42)).toBe(0);
    expect(computeOperatorIndexForKeyGroup(128, 3, 43)).toBe(1);
  });

  it('route a key to the subtask whose range holds its key group', () => {
    fc.assert(
      fc.property(anyKey, fc.constantFrom(...pairs), (key, [max, parallelism]) => {
        const subtask = subtaskForKey(key, max, parallelism);
        expect(
          keyGroupRangeContains(keyGroupRangeForOperator(max, parallelism, subtask), keyGroupFor(key, max)),
        ).toBe(true);
      }),
    );
  });

  it('subtaskSelector routes every key as subtaskForKey does, and validates once', () => {
    fc.assert(
      fc.property(anyKey, fc.constantFrom(...pairs), (key, [max, parallelism]) => {
        expect(subtaskSelector(max, parallelism)(key)).toBe(subtaskForKey(key, max, parallelism));
      }),
    );
    expect(() => subtaskSelector(128, 129)).toThrow(/parallelism/);
    expect(() => subtaskSelector(0, 1)).toThrow(/maxParallelism/);
  });

  it('validate their arguments, naming the option', () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => keyGroupRangeForOperator(128, 129, 0),
        /parallelism must be an integer in \[1, 128 \(maxParallelism/,
      ],
      [() => keyGroupRangeForOperator(128, 0, 0), /parallelism/],
      [() => keyGroupRangeForOperator(128, 4, 4), /operatorIndex/],
      [() => keyGroupRangeForOperator(128, 4, -1), /operatorIndex/],
      [() => keyGroupRangeForOperator(0, 1, 0), /maxParallelism/],
      [() => computeOperatorIndexForKeyGroup(128, 4, 128), /keyGroup/],
      [() => computeOperatorIndexForKeyGroup(128, 4, 1.5), /keyGroup/],
      [() => computeOperatorIndexForKeyGroup(128, 200, 0), /parallelism/],
      [() => subtaskForKey('k', 128, 2.5), /parallelism/],
      [() => checkKeyGroupRange({ start: 5, end: 4 }, 128, 'range'), /range\.end/],
      [() => checkKeyGroupRange({ start: 0, end: 128 }, 128, 'range'), /range\.end/],
      [() => checkKeyGroupRange({ start: -1, end: 3 }, 128, 'range'), /range\.start/],
    ];
    for (const [call, message] of cases) {
      expect(call).toThrow(InvalidOptionError);
      expect(call).toThrow(message);
    }
  });
});
