// The fast record decoder gives exactly what msgpackr's Unpackr gives for the frames the encoders
// write (flat or not), or declines and leaves the frame to msgpackr.
import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { FlatRecordDecoder } from '../../../src/channel/flat-record-decoder.ts';
import { FlatRecordEncoder } from '../../../src/channel/flat-record-encoder.ts';
import { RecordDecoder, RecordEncoder } from '../../../src/channel/record-codec.ts';

const key = fc.oneof(
  fc.constantFrom('k', 'value', '0', '10', '2', '__proto__', 'a b', '"q"', 'ünï', 'constructor'),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 70 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  // Long strings take the native ASCII check: one non-ASCII character anywhere must decline.
  fc.string({ unit: 'grapheme-ascii', minLength: 100, maxLength: 3000 }),
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', minLength: 20, maxLength: 2000 }),
      fc.constantFrom('é', '€', '😀'),
      fc.nat(),
    )
    .map(([ascii, other, at]) => {
      const i = at % (ascii.length + 1);
      return ascii.slice(0, i) + other + ascii.slice(i);
    }),
  fc.integer(),
  fc.constantFrom(
    0,
    -1,
    -32,
    -33,
    63,
    64,
    127,
    128,
    255,
    256,
    65535,
    65536,
    2 ** 31,
    2 ** 32,
    -(2 ** 31),
    2 ** 53,
  ),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const record = fc
  .uniqueArray(key, { minLength: 0, maxLength: 6 })
  .chain((keys) =>
    fc
      .tuple(...keys.map(() => value))
      .map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i]]))),
  );
const shapes = fc.array(record, { minLength: 1, maxLength: 4 });
const batch = shapes.chain((s) => fc.array(fc.constantFrom(...s), { minLength: 1, maxLength: 40 }));

function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  if (Array.isArray(actual) && Array.isArray(expected))
    actual.forEach((r, i) => {
      if (r !== null && typeof r === 'object')
        expect(Reflect.ownKeys(r)).toEqual(Reflect.ownKeys(expected[i] as object));
    });
}

describe('FlatRecordDecoder', () => {
  it('decodes the flat encoder’s frames exactly as msgpackr does, or declines', () => {
    const encoder = new FlatRecordEncoder();
    const decoder = new FlatRecordDecoder();
    let decoded = 0;
    fc.assert(
      fc.property(batch, (records) => {
        const bytes = encoder.encode(records);
        if (bytes === null) return;
        const frame = Buffer.from(bytes);
        const expected = new Unpackr({ useRecords: true, moreTypes: true }).unpack(frame);
        const got = decoder.decode(frame, frame.length);
        if (got === null) return;
        decoded++;
        expectSame(got, expected);
      }),
      { numRuns: 500 },
    );
    expect(decoded).toBeGreaterThan(100);
  });

  it('decodes msgpackr’s own frames exactly as msgpackr does, or declines', () => {
    const decoder = new FlatRecordDecoder();
    const values = fc.array(fc.oneof(record, value, fc.array(value, { maxLength: 3 })), { maxLength: 20 });
    fc.assert(
      fc.property(values, (items) => {
        const frame = new Packr({ useRecords: true, moreTypes: true }).pack(items);
        const got = decoder.decode(frame, frame.length);
        if (got !== null) expectSame(got, new Unpackr({ useRecords: true, moreTypes: true }).unpack(frame));
      }),
      { numRuns: 500 },
    );
  });

  it('declines truncated frames, references to undefined structures and nested values', () => {
    const decoder = new FlatRecordDecoder();
    const bytes = Buffer.from(
      new FlatRecordEncoder().encode([
        { k: 'abc', v: 1 },
        { k: 'de', v: 2 },
      ])!,
    );
    expect(decoder.decode(bytes, bytes.length)).toEqual([
      { k: 'abc', v: 1 },
      { k: 'de', v: 2 },
    ]);
    for (let cut = 1; cut < bytes.length; cut++) expect(decoder.decode(bytes, cut)).toBeNull();
    expect(decoder.decode(Buffer.from([0x91, 0x40, 0x01]), 3)).toBeNull();
    const nested = new Packr({ useRecords: true }).pack([{ a: { b: 1 } }]);
    expect(decoder.decode(nested, nested.length)).toBeNull();
  });

  it('is what RecordDecoder uses, with msgpackr for the rest', () => {
    const encoder = new RecordEncoder('test');
    const decoder = new RecordDecoder();
    const shared = new Uint8Array(new SharedArrayBuffer(1024));
    for (const records of [[{ k: 'x', n: 1.5 }], [1, 'two', { nested: [3] }], [{ k: 'ünï', n: 2 }]]) {
      const bytes = encoder.encode(records);
      shared.set(bytes);
      expect(decoder.decode(shared.subarray(0, bytes.length))).toStrictEqual(records);
      expect(decoder.decode(Uint8Array.from(bytes))).toStrictEqual(records);
    }
  });
});
