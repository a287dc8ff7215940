// Records keep their event-time timestamps through a channel (and in the copies an unaligned
// barrier takes of the frames it overtakes, which become channel state); watermark statuses keep
// their place among records, and an unaligned barrier overtakes watermarks and statuses too.
import { Unpackr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { TimestampedRecord } from '../../../src/channel/timestamped-record.ts';
import {
  type ChannelEvent,
  ChannelWriter,
  createDoorbell,
  createRing,
  InputGate,
} from '../../../src/index.ts';

function channel(overtakeUnalignedBarriers = false) {
  const descriptor = createRing({ capacity: 8192, name: 'in', doorbell: createDoorbell() });
  const time = { current: undefined as number | undefined };
  const writer = new ChannelWriter(descriptor, { batchBytes: 256, time });
  return { writer, time, gate: new InputGate([descriptor], { overtakeUnalignedBarriers }) };
}

function drain(gate: InputGate): ChannelEvent[] {
  const out: ChannelEvent[] = [];
  for (let e = gate.poll(); e !== null; e = gate.poll()) out.push(e.event);
  return out;
}

describe('timestamped records', () => {
  it('carry their timestamps; records without one stay as they are', () => {
    const { writer, time, gate } = channel();
    time.current = 5;
    writer.emit({ a: 1 });
    time.current = undefined;
    writer.emit({ a: 2 });
    time.current = -3.5;
    writer.emit('x');
    writer.emitWatermarkStatus(true);
    writer.emitWatermarkStatus(false);
    writer.emitWatermark(4);
    writer.emitEndOfInput();
    expect(drain(gate)).toEqual([
      {
        kind: 'records',
        records: [new TimestampedRecord({ a: 1 }, 5), { a: 2 }, new TimestampedRecord('x', -3.5)],
      },
      { kind: 'watermark-status', idle: true },
      { kind: 'watermark-status', idle: false },
      { kind: 'watermark', timestamp: 4 },
      { kind: 'end-of-input' },
    ]);
  });

  it('keep their timestamps in the frames an unaligned barrier overtakes, past watermarks and statuses', () => {
    const { writer, time, gate } = channel(true);
    time.current = 10;
    writer.emit({ n: 1 });
    writer.flush();
    writer.emitWatermark(9);
    writer.emitWatermarkStatus(true);
    writer.emitBarrier({ checkpointId: 3, timestamp: 0, savepoint: false, unaligned: true });
    const [first, ...rest] = drain(gate);
    if (first?.kind !== 'overtaking-barrier')
      throw new Error(`expected an overtaking barrier, got ${first?.kind}`);
    const unpackr = new Unpackr({ useRecords: true, moreTypes: true });
    expect(first.overtaken.map((bytes) => unpackr.unpack(bytes))).toEqual([
      [new TimestampedRecord({ n: 1 }, 10)],
    ]);
    expect(rest).toEqual([
      { kind: 'records', records: [new TimestampedRecord({ n: 1 }, 10)] },
      { kind: 'watermark', timestamp: 9 },
      { kind: 'watermark-status', idle: true },
      { kind: 'overtaken', checkpointId: 3 },
    ]);
  });
});
