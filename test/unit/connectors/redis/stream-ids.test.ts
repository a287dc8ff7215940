// Stream ids compare as pairs of 64-bit integers, not as strings; fields come from flat replies.
import { describe, expect, it } from 'vitest';
import {
  compareStreamIds,
  fieldsOf,
  isStreamId,
  timestampOf,
} from '../../../../src/connectors/redis/stream-ids.ts';

describe('stream ids', () => {
  it('compare by milliseconds, then sequence, as integers', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('18446744073709551615-1', '18446744073709551615-0')).toBeGreaterThan(0);
    expect(compareStreamIds('5-5', '5-5')).toBe(0);
  });
  it('recognise complete ids, their timestamp, and flat field lists', () => {
    expect([isStreamId('1-0'), isStreamId('1'), isStreamId('$'), isStreamId('1-a')]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(timestampOf('1700000000000-3')).toBe(1_700_000_000_000);
    expect(fieldsOf(['a', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
  });
});
