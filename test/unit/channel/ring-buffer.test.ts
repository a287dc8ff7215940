// The ring keeps frames intact and in order at every offset, when exactly full and exactly empty.
import { describe, expect, it } from 'vitest';
import { FrameKind } from '../../../src/channel/frame.ts';
import { createRing, FrameTooLargeError, InvalidOptionError, RingBuffer } from '../../../src/index.ts';

function pair(capacity: number, initialPosition = 0): { producer: RingBuffer; consumer: RingBuffer } {
  const descriptor = createRing({ capacity, name: 'test', initialPosition });
  return { producer: new RingBuffer(descriptor), consumer: new RingBuffer(descriptor) };
}

function payload(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed * 31 + i) & 0xff;
  return bytes;
}

function readOne(ring: RingBuffer): { kind: number; bytes: Uint8Array } | null {
  const kind = ring.peek();
  if (kind < 0) return null;
  const bytes = ring.bytes.slice(ring.frameOffset, ring.frameOffset + ring.frameLength);
  ring.release();
  return { kind, bytes };
}

describe('RingBuffer', () => {
  it('rejects capacities that are not a power of two in range, naming the option', () => {
    for (const capacity of [0, 1000, 3000, 512, 2 ** 31]) {
      expect(() => createRing({ capacity, name: 'x' })).toThrow(InvalidOptionError);
      expect(() => createRing({ capacity, name: 'x' })).toThrow(/ringCapacity/);
    }
  });

  it('is empty when new, and after everything written was read', () => {
    const { producer, consumer } = pair(1024);
    expect(consumer.peek()).toBe(-1);
    expect(consumer.readable()).toBe(false);
    expect(producer.tryWrite(FrameKind.Records, payload(10, 1), 10)).toBe(true);
    expect(consumer.readable()).toBe(true);
    expect(readOne(consumer)?.bytes).toEqual(payload(10, 1));
    expect(consumer.peek()).toBe(-1);
    expect(producer.usedBytes()).toBe(0);
  });

  it('accepts frames until exactly full, refuses one more byte, and frees space on release', () => {
    const { producer, consumer } = pair(1024);
    // 8 frames of 128 bytes (8 header + 120 payload) fill 1024 bytes exactly.
    for (let i = 0; i < 8; i++) expect(producer.tryWrite(FrameKind.Records, payload(120, i), 120)).toBe(true);
    expect(producer.usedBytes()).toBe(1024);
    expect(producer.tryWrite(FrameKind.EndOfInput, null, 0)).toBe(false);
    expect(producer.hasSpaceFor(0)).toBe(false);
    expect(readOne(consumer)?.bytes).toEqual(payload(120, 0));
    expect(producer.tryWrite(FrameKind.Records, payload(120, 8), 120)).toBe(true);
    for (let i = 1; i <= 8; i++) expect(readOne(consumer)?.bytes).toEqual(payload(120, i));
    expect(readOne(consumer)).toBeNull();
  });

  it('refuses a frame larger than half the ring with a typed error naming the channel', () => {
    const { producer } = pair(1024);
    expect(producer.tryWrite(FrameKind.Records, payload(504, 0), 504)).toBe(true);
    const error = (() => {
      try {
        producer.tryWrite(FrameKind.Records, payload(505, 0), 505);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FrameTooLargeError);
    expect((error as FrameTooLargeError).code).toBe('ERR_FRAME_TOO_LARGE');
    expect((error as FrameTooLargeError).message).toMatch(/channel test/);
  });

  it('wraps frames of every size around the end at every 8-byte offset', () => {
    const capacity = 1024;
    for (let start = 0; start < capacity; start += 8) {
      for (const length of [0, 1, 7, 8, 9, 100, 250, 504]) {
        const { producer, consumer } = pair(capacity, start);
        const frames = 5;
        for (let f = 0; f < frames; f++) {
          expect(producer.tryWrite(FrameKind.Records, payload(length, f), length)).toBe(true);
          const got = readOne(consumer);
          expect(got?.kind).toBe(FrameKind.Records);
          expect(got?.bytes).toEqual(payload(length, f));
        }
        expect(consumer.peek()).toBe(-1);
      }
    }
  });

  it('keeps counting correctly across the 2^32 wrap of the position counters', () => {
    const { producer, consumer } = pair(1024, 2 ** 32 - 512);
    for (let f = 0; f < 100; f++) {
      expect(producer.tryWrite(FrameKind.Records, payload(60, f), 60)).toBe(true);
      expect(producer.tryWrite(FrameKind.Records, payload(200, f + 1), 200)).toBe(true);
      expect(readOne(consumer)?.bytes).toEqual(payload(60, f));
      expect(readOne(consumer)?.bytes).toEqual(payload(200, f + 1));
    }
    expect(producer.usedBytes()).toBe(0);
  });

  it('carries every frame kind through unchanged', () => {
    const { producer, consumer } = pair(1024);
    const kinds = [
      FrameKind.Records,
      FrameKind.Barrier,
      FrameKind.CancelBarrier,
      FrameKind.EndOfInput,
      FrameKind.Watermark,
      FrameKind.LatencyMarker,
    ];
    for (const kind of kinds) expect(producer.tryWrite(kind, payload(16, kind), 16)).toBe(true);
    for (const kind of kinds) {
      const got = readOne(consumer);
      expect(got?.kind).toBe(kind);
      expect(got?.bytes).toEqual(payload(16, kind));
    }
  });

  it('reports a corrupted header as a channel error instead of reading garbage', () => {
    const { producer, consumer } = pair(1024);
    producer.tryWrite(FrameKind.Records, payload(16, 0), 16);
    consumer.bytes[4] = 99; // kind byte of the first frame
    expect(() => consumer.peek()).toThrow(/invalid frame/);
  });
});
