// A record with an own `__proto__` key cannot cross a channel unchanged (msgpackr decodes the key
// as `__proto_`), so the encoder refuses it with a RecordEncodeError; `__proto__` as a value, and
// other keys that look like it, still round-trip.
import { describe, expect, it } from 'vitest';
import { RecordDecoder, RecordEncoder } from '../../../src/channel/record-codec.ts';
import { RecordEncodeError } from '../../../src/index.ts';

const roundTrip = (records: unknown[]): unknown[] =>
  new RecordDecoder().decode(new RecordEncoder('a->b').encode(records).slice());

describe('records with an own __proto__ key', () => {
  it.each([
    ['a flat record', [{ n: 1 }, JSON.parse('{"a": 2, "__proto__": 3}')]],
    ['a nested object', [{ n: 1, inner: JSON.parse('{"__proto__": {"polluted": true}}') }]],
    ['an object in an array', [{ items: [{ ok: 1 }, JSON.parse('{"__proto__": null}')] }]],
  ])('are refused in %s, naming the channel and the record', (_what, records) => {
    const encoder = new RecordEncoder('map[0]->sink[1]');
    const error = (() => {
      try {
        encoder.encode(records);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RecordEncodeError);
    expect(error).toMatchObject({ code: 'ERR_RECORD_ENCODE', valueType: 'own __proto__ key' });
    expect((error as Error).message).toMatch(/channel map\[0\]->sink\[1\]: it has an own "__proto__" key/);
    expect((error as Error).message).toContain('__proto__');
    // The encoder stays usable for the next batch.
    expect(roundTrip([{ n: 2 }])).toEqual([{ n: 2 }]);
  });

  it('round-trip "__proto__" as a value, and keys that only resemble it', () => {
    const records = [{ k: '__proto__' }, { __proto_: 1, proto: '__proto__' }, { list: ['__proto__'] }];
    expect(roundTrip(records)).toEqual(records);
    expect(roundTrip([{ nested: { k: '__proto__' } }])).toEqual([{ nested: { k: '__proto__' } }]);
  });
});
