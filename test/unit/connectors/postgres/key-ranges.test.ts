// The PostgreSQL source's key ranges: consecutive, without gaps or overlaps, open at the outer ends
// when the range comes from the table (keys inserted past it are still read), closed at a given range.
import { describe, expect, it } from 'vitest';
import { postgresKeyRanges } from '../../../../src/connectors/postgres/postgres-source.ts';

describe('postgresKeyRanges', () => {
  it('splits a given range into consecutive closed ranges', () => {
    const splits = postgresKeyRanges({ table: 't', keyColumn: 'id', keyRange: [1, 10] }, 3);
    expect(splits.map((s) => [s.id, s.after, s.to, s.resolved])).toEqual([
      ['0/3', '0', '3', true],
      ['1/3', '3', '6', true],
      ['2/3', '6', '10', true],
    ]);
  });

  it('keeps int8 keys exact and sorts ids in key order past ten splits', () => {
    const big = 2n ** 62n;
    const splits = postgresKeyRanges({ table: 't', keyColumn: 'id', keyRange: [big, big + 23n] }, 12);
    expect(splits[0]!.after).toBe(String(big - 1n));
    expect(splits.at(-1)!.to).toBe(String(big + 23n));
    expect(splits.map((s) => s.id)).toEqual([...splits.map((s) => s.id)].sort());
    for (let i = 1; i < splits.length; i++) expect(splits[i]!.after).toBe(splits[i - 1]!.to);
  });

  it('leaves ranges to resolve from the table when none is given', () => {
    const splits = postgresKeyRanges({ table: 't', keyColumn: 'id' }, 2);
    expect(splits.map((s) => [s.after, s.to, s.resolved])).toEqual([
      [null, null, false],
      [null, null, false],
    ]);
  });
});
