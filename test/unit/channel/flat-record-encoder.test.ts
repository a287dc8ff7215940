// The fast record encoder writes exactly the bytes msgpackr's Packr writes, or declines; frames of
// either are read back by msgpackr, and decoded binary values never alias ring memory.
import fc from 'fast-check';
import { Packr, Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { FlatRecordEncoder } from '../../../src/channel/flat-record-encoder.ts';
import { ChannelWriter, createRing, InputGate } from '../../../src/index.ts';

const key = fc.oneof(
  fc.constantFrom('k', 'value', 'ts', 'a b', '"quoted"', 'ünï', '__x'),
  fc.string({ maxLength: 12 }),
);
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }), // lone surrogates too
  fc.integer(),
  fc.constantFrom(
    0,
    -1,
    127,
    128,
    255,
    256,
    65535,
    65536,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    -(2 ** 31),
    2 ** 53 - 1,
  ),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const shape = fc.uniqueArray(key, { minLength: 1, maxLength: 6 });
const batch = shape.chain((keys) =>
  fc.array(
    fc
      .tuple(...keys.map(() => value))
      .map((values) => Object.fromEntries(keys.map((k, i) => [k, values[i]]))),
    {
      minLength: 1,
      maxLength: 30,
    },
  ),
);

describe('FlatRecordEncoder', () => {
  it('writes the very bytes of msgpackr Packr({ useRecords: true }) for flat records, or declines', () => {
    const encoder = new FlatRecordEncoder();
    let fast = 0;
    fc.assert(
      fc.property(
        fc.array(batch, { minLength: 1, maxLength: 3 }).map((bs) => bs.flat()),
        (records) => {
          const bytes = encoder.encode(records);
          if (bytes === null) return;
          fast++;
          expect(Buffer.from(bytes)).toEqual(Buffer.from(new Packr({ useRecords: true }).pack(records)));
          // Read back as msgpackr reads its own output (which, for one, turns -0 into 0).
          const reference = new Unpackr({ useRecords: true }).unpack(
            new Packr({ useRecords: true }).pack(records),
          );
          expect(new Unpackr({ useRecords: true }).unpack(Buffer.from(bytes))).toEqual(reference);
        },
      ),
      { numRuns: 500, seed: 42 },
    );
    expect(fast).toBeGreaterThan(100);
  });

  it('declines what is not a flat record, so that msgpackr encodes it', () => {
    const encoder = new FlatRecordEncoder();
    expect(encoder.encode([{ nested: { a: 1 } }])).toBeNull();
    expect(encoder.encode([{ when: new Date(0) }])).toBeNull();
    expect(encoder.encode([{ u: undefined }])).toBeNull();
  });
});

describe('decoded records', () => {
  it('hold binary values copied out of the ring, not views the producer overwrites', () => {
    const ring = createRing({ capacity: 4096, name: 'bin' });
    const writer = new ChannelWriter(ring, { batchBytes: 256 });
    const gate = new InputGate([ring]);
    writer.emit({ bytes: new Uint8Array([1, 2, 3]) });
    writer.flush();
    const first = gate.poll();
    for (let i = 0; i < 50; i++) {
      writer.emit({ bytes: new Uint8Array([9, 9, 9]) });
      writer.flush();
      gate.poll();
    }
    if (first?.event.kind !== 'records') throw new Error('expected a records event first');
    const record = first.event.records[0] as { bytes: Uint8Array };
    expect([...record.bytes]).toEqual([1, 2, 3]);
  });
});
