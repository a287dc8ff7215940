// The text file source's queue of byte ranges: it covers the file exactly, and its guided sizes
// shrink towards the end so that the subtask that claims the last range keeps the others waiting
// for a small range only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteRanges } from '../../../../src/connectors/file/text-file-source.ts';

const KIB = 1024;

function expectCovers(ranges: Array<[number, number]>, size: number): void {
  let offset = 0;
  for (const [start, end] of ranges) {
    expect(start).toBe(offset);
    expect(end).toBeGreaterThan(start);
    offset = end;
  }
  expect(offset).toBe(size);
}

describe('byteRanges', () => {
  it('covers every byte exactly once, in order, for any size, parallelism and fixed range', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 50_000_000 }),
        fc.integer({ min: 1, max: 64 }),
        // A fixed range size of 1/n of the file (plus up to 1000 bytes), or none: at most ~2000 ranges.
        fc.option(fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.nat({ max: 1000 })), { nil: undefined }),
        (size, p, fixed) => {
          const rangeBytes = fixed && Math.max(1, Math.floor(size / fixed[0]) + fixed[1]);
          const ranges = byteRanges(size, p, rangeBytes);
          expectCovers(ranges, size);
          if (rangeBytes !== undefined)
            for (const [start, end] of ranges.slice(0, -1)) expect(end - start).toBe(rangeBytes);
        },
      ),
    );
  });

  it('makes guided ranges that never grow, are at least 256 KiB but the last, and end small', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000_000 }), fc.integer({ min: 1, max: 64 }), (size, p) => {
        const ranges = byteRanges(size, p);
        const lengths = ranges.map(([start, end]) => end - start);
        for (let i = 1; i < lengths.length; i++) expect(lengths[i]).toBeLessThanOrEqual(lengths[i - 1]!);
        for (const length of lengths.slice(0, -1)) expect(length).toBeGreaterThanOrEqual(256 * KIB);
        // Each range is at most 1/(4p) of what was left: the first ranges do not starve the others.
        expect(lengths[0]).toBeLessThanOrEqual(Math.max(256 * KIB, Math.ceil(size / (4 * p))));
        if (size > 256 * KIB) expect(lengths.at(-1)).toBeLessThanOrEqual(256 * KIB);
      }),
    );
  });

  it('cuts the benchmark-sized file (136 MB, p = 2) into tens of ranges, not thousands', () => {
    const ranges = byteRanges(136_278_813, 2);
    expect(ranges.length).toBeGreaterThan(16);
    expect(ranges.length).toBeLessThan(64);
    expect(ranges[0]![1]).toBe(Math.ceil(136_278_813 / 8));
  });

  it('keeps a file smaller than 256 KiB in one range', () => {
    expect(byteRanges(100 * KIB, 4)).toEqual([[0, 100 * KIB]]);
    expect(byteRanges(0, 4)).toEqual([]);
  });
});
