// A blocking partition gives back, through the same ChannelWriter and InputGate as a ring, every
// frame its producer wrote, in order, whatever their sizes against the read and write buffers;
// a partition whose producer did not finish, or whose file was cut, is refused as corrupt.
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type BlockingPartitionDescriptor,
  BlockingPartitionReader,
  BlockingPartitionWriter,
  ChannelClosedError,
  ChannelCorruptError,
  type ChannelEvent,
  ChannelWriter,
  FrameKind,
  FrameTooLargeError,
  InputGate,
  PartitionIoError,
} from '../../../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-partition-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let files = 0;

function partition(maxPayloadBytes = 256 * 1024): BlockingPartitionDescriptor {
  return { name: `p${files}`, path: join(root, `partition-${files++}`), maxPayloadBytes };
}

function drain(gate: InputGate): Array<{ channel: number; event: ChannelEvent }> {
  const out: Array<{ channel: number; event: ChannelEvent }> = [];
  for (let e = gate.poll(); e !== null; e = gate.poll()) out.push(e);
  return out;
}

describe('blocking partitions', () => {
  it('deliver records and control events in order through ChannelWriter and InputGate, again to a consumer run again', () => {
    const descriptors = [partition(), partition()];
    const writers = descriptors.map((d) => new ChannelWriter(d, { batchBytes: 512 }));
    for (let i = 0; i < 5000; i++) writers[i % 2]!.emit({ i, text: `record ${i}`.repeat(1 + (i % 7)) });
    writers[0]!.emitBarrier({ checkpointId: 3, timestamp: 12.5, savepoint: false, unaligned: false });
    writers[1]!.emitWatermark(77);
    for (const w of writers) w.emitEndOfInput();
    // The producer never waited: a partition always has space.
    expect(writers.every((w) => !w.blocked && w.stats.blockedCount === 0)).toBe(true);

    const gate = new InputGate(descriptors);
    const events = drain(gate);
    expect(gate.finished).toBe(true);
    for (const channel of [0, 1]) {
      const own = events.filter((e) => e.channel === channel).map((e) => e.event);
      const records = own.flatMap((e) => (e.kind === 'records' ? (e.records as Array<{ i: number }>) : []));
      expect(records.map((r) => r.i)).toEqual(Array.from({ length: 2500 }, (_, k) => 2 * k + channel));
      expect(own.at(-1)).toEqual({ kind: 'end-of-input' });
      expect(own.at(-2)).toEqual(
        channel === 0
          ? {
              kind: 'barrier',
              barrier: { checkpointId: 3, timestamp: 12.5, savepoint: false, unaligned: false },
            }
          : { kind: 'watermark', timestamp: 77 },
      );
    }
    // The files stay (the job deletes them once every consumer finished): a consumer run again
    // after a failure reads the same frames.
    expect(descriptors.map((d) => existsSync(d.path))).toEqual([true, true]);
    expect(drain(new InputGate(descriptors))).toEqual(events);
  });

  it('carry frames larger than the read and write buffers, and empty ones, byte for byte', () => {
    const descriptor = partition(700 * 1024);
    const writer = new BlockingPartitionWriter(descriptor);
    const sizes = [0, 1, 7, 300 * 1024, 3, 700 * 1024, 255 * 1024, 257 * 1024, 0, 64 * 1024];
    const payloads = sizes.map((size, k) => {
      const payload = new Uint8Array(size);
      for (let j = 0; j < size; j++) payload[j] = (j * 31 + k) & 0xff;
      return payload;
    });
    for (const payload of payloads)
      expect(writer.tryWrite(FrameKind.Records, payload, payload.length)).toBe(true);
    writer.tryWrite(FrameKind.EndOfInput, null, 0);
    expect(writer.closed).toBe(true);

    const reader = new BlockingPartitionReader(descriptor);
    for (const payload of payloads) {
      expect(reader.readable()).toBe(true);
      expect(reader.peek()).toBe(FrameKind.Records);
      expect(reader.frameLength).toBe(payload.length);
      const frame = reader.bytes.subarray(reader.frameOffset, reader.frameOffset + reader.frameLength);
      expect(frame.equals(payload)).toBe(true);
      reader.release();
    }
    expect(reader.peek()).toBe(FrameKind.EndOfInput);
    reader.release();
    expect(reader.readable()).toBe(false);
    expect(reader.peek()).toBe(-1);
  });

  it('refuse a partition whose producer did not reach end of input', () => {
    const descriptor = partition();
    const writer = new ChannelWriter(descriptor, { batchBytes: 4096 });
    // More than the write buffer, so that part of it reached the file before the producer stopped.
    for (let i = 0; i < 2000; i++) writer.emit({ i, text: 'y'.repeat(200) });
    writer.channel.close(); // the producer failed or was cancelled
    const gate = new InputGate([descriptor]);
    let read = 0;
    const readAll = () => {
      for (let e = gate.poll(); e !== null; e = gate.poll())
        if (e.event.kind === 'records') read += e.event.records.length;
    };
    expect(readAll).toThrow(/ends without end of input/);
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThan(2000);
  });

  it('refuse a file cut inside a frame, frames no producer could write, and a missing file', () => {
    const descriptor = partition();
    const writer = new ChannelWriter(descriptor);
    writer.emit({ text: 'x'.repeat(1000) });
    writer.emitEndOfInput();
    truncateSync(descriptor.path, 500);
    expect(() => new BlockingPartitionReader(descriptor).peek()).toThrow(/ends inside a frame/);

    const bad = partition();
    const header = Buffer.alloc(8);
    header.writeUInt32LE(16, 0);
    header[4] = 99; // no such frame kind
    writeFileSync(bad.path, Buffer.concat([header, Buffer.alloc(16)]));
    expect(() => new BlockingPartitionReader(bad).peek()).toThrow(/kind 99/);

    const lengthyEnd = partition();
    const end = Buffer.alloc(16);
    end.writeUInt32LE(8, 0);
    end[4] = FrameKind.EndOfInput; // end of input never has a payload
    writeFileSync(lengthyEnd.path, end);
    expect(() => new BlockingPartitionReader(lengthyEnd).peek()).toThrow(ChannelCorruptError);

    expect(() => new BlockingPartitionReader(partition())).toThrow(PartitionIoError);
  });

  it('name the channel and the file when the file cannot be created', () => {
    const descriptor = { ...partition(), path: join(root, 'missing-directory', 'partition') };
    let failure: unknown;
    try {
      new BlockingPartitionWriter(descriptor);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(PartitionIoError);
    expect(failure).toMatchObject({
      code: 'ERR_PARTITION_IO',
      classification: 'external',
      path: descriptor.path,
    });
    expect((failure as Error).message).toContain(descriptor.name);
  });

  it('refuse frames larger than a ring of the job would take, and writes after close', () => {
    const descriptor = partition(1024);
    const writer = new BlockingPartitionWriter(descriptor);
    expect(() => writer.tryWrite(FrameKind.Records, new Uint8Array(1025), 1025)).toThrow(FrameTooLargeError);
    writer.tryWrite(FrameKind.EndOfInput, null, 0);
    expect(() => writer.tryWrite(FrameKind.Records, new Uint8Array(1), 1)).toThrow(ChannelClosedError);
    // End of input alone: an empty partition, header only.
    expect(readFileSync(descriptor.path)).toHaveLength(8);
  });
});
