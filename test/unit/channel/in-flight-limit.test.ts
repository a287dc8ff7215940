// Buffer debloating: a channel fills its ring only as far as its consumer drains in the target time.
import { describe, expect, it, vi } from 'vitest';
import {
  InFlightLimit,
  MIN_BATCH_BYTES,
  MIN_IN_FLIGHT_BYTES,
  SAMPLE_MS,
} from '../../../src/channel/in-flight-limit.ts';
import {
  ChannelWriter,
  createDoorbell,
  createRing,
  InputGate,
  InvalidOptionError,
  RingBuffer,
  StreamEnvironment,
} from '../../../src/index.ts';

const CAPACITY = 1 << 20;

describe('InFlightLimit', () => {
  it('allows the whole ring until it has measured the consumer', () => {
    const limit = new InFlightLimit(100, CAPACITY, 0);
    expect(limit.limitBytes).toBe(CAPACITY);
    limit.sample(SAMPLE_MS - 1, 0);
    expect(limit.limitBytes).toBe(CAPACITY);
  });

  it('limits the ring to what the consumer drains in the target time', () => {
    const limit = new InFlightLimit(100, CAPACITY, 0);
    // 40 KB appended in 20 ms while the ring grew by 20 KB: the consumer took 1 KB per ms.
    limit.appended(40_000);
    limit.sample(20, 20_000);
    expect(limit.drainRate).toBe(1000);
    expect(limit.limitBytes).toBe(100_000);
    expect(limit.batchBytes(64 * 1024)).toBe(25_000);
    expect(limit.admits(50_000, 50_000)).toBe(true);
    expect(limit.admits(50_001, 50_000)).toBe(false);
    // A frame always goes into an empty ring, whatever its size.
    expect(limit.admits(CAPACITY / 2, 0)).toBe(true);
  });

  it('smooths the rate and keeps the limit between its floor and the capacity', () => {
    const limit = new InFlightLimit(100, CAPACITY, 0);
    limit.appended(20_000);
    limit.sample(20, 0); // 1000 B/ms
    limit.sample(40, 0); // nothing consumed: 0 B/ms, averaged to 500
    expect(limit.drainRate).toBe(500);
    expect(limit.limitBytes).toBe(50_000);
    for (let t = 60; t < 400; t += 20) limit.sample(t, 0);
    expect(limit.limitBytes).toBe(MIN_IN_FLIGHT_BYTES);
    expect(limit.batchBytes(64 * 1024)).toBe(Math.max(MIN_BATCH_BYTES, MIN_IN_FLIGHT_BYTES / 4));
    limit.appended(1e9);
    limit.sample(420, 0);
    expect(limit.limitBytes).toBe(CAPACITY);
  });
});

describe('ChannelWriter with an in-flight target', () => {
  it('blocks at the limit, not at the full ring, and resumes once the consumer drained', async () => {
    const descriptor = createRing({ capacity: 64 * 1024, name: 'debloat', doorbell: createDoorbell() });
    const ring = new RingBuffer(descriptor);
    let time = 0;
    const writer = new ChannelWriter(ring, { inFlightTargetMs: 100, batchBytes: 1024, now: () => time });
    const gate = new InputGate([descriptor]);
    const fill = (): void => {
      while (!writer.blocked) writer.emit({ pad: 'x'.repeat(100) });
    };
    const drain = (): number => {
      let read = 0;
      for (let polled = gate.poll(); polled !== null; polled = gate.poll())
        if (polled.event.kind === 'records') read += polled.event.records.length;
      return read;
    };
    // Before any measurement the whole ring fills; a sample period without consumption drops the
    // limit to its floor.
    fill();
    expect(ring.usedBytes()).toBeGreaterThan(60 * 1024);
    time += SAMPLE_MS;
    expect(writer.tryDrain()).toBe(false);
    expect(writer.inFlightLimitBytes).toBe(MIN_IN_FLIGHT_BYTES);
    // The consumer drains the ring: the producer's backlog goes, and it fills up to the limit only.
    const waiting = writer.waitForSpace();
    expect(drain()).toBeGreaterThan(0);
    await waiting;
    fill();
    expect(ring.usedBytes()).toBeLessThanOrEqual(MIN_IN_FLIGHT_BYTES);
    expect(ring.usedBytes()).toBeGreaterThan(MIN_IN_FLIGHT_BYTES / 2);
  });

  it('does not park when the consumer empties the ring just before the producer parks', async () => {
    const descriptor = createRing({ capacity: 64 * 1024, name: 'debloat-race', doorbell: createDoorbell() });
    const gate = new InputGate([descriptor]);
    const drain = (): void => {
      for (let polled = gate.poll(); polled !== null; polled = gate.poll()) {}
    };
    let raceOnPark = false;
    // The consumer (another thread in a job) drains everything between the producer's last check
    // and its park: the park's own check must see the empty ring.
    class RacingRing extends RingBuffer {
      override parkProducer(): number {
        if (raceOnPark) drain();
        return super.parkProducer();
      }
    }
    const ring = new RacingRing(descriptor);
    let time = 0;
    const writer = new ChannelWriter(ring, { inFlightTargetMs: 100, batchBytes: 1024, now: () => time });
    const fill = (): void => {
      while (!writer.blocked) writer.emit({ pad: 'x'.repeat(100) });
    };
    // Drop the limit to its floor, then move the write position well past the ring's first
    // limit's worth of bytes (where wrap padding made the old wait condition unreachable).
    fill();
    time += SAMPLE_MS;
    expect(writer.tryDrain()).toBe(false);
    drain();
    await writer.waitForSpace();
    for (let i = 0; i < 2; i++) {
      fill();
      drain();
      await writer.waitForSpace();
    }
    fill();
    expect(writer.inFlightLimitBytes).toBe(MIN_IN_FLIGHT_BYTES);
    expect(ring.usedBytes()).toBeGreaterThan(0);
    const waits = vi.spyOn(Atomics, 'waitAsync');
    try {
      raceOnPark = true;
      await writer.waitForSpace();
      expect(writer.blocked).toBe(false);
      expect(waits).not.toHaveBeenCalled();
    } finally {
      waits.mockRestore();
    }
  });

  it('rejects a bad channel.inFlightTargetMs, naming it', () => {
    for (const bad of [0, -5, Number.NaN, '100'])
      expect(() => new StreamEnvironment({ channel: { inFlightTargetMs: bad as number } })).toThrow(
        expect.objectContaining({ option: 'channel.inFlightTargetMs' }),
      );
    expect(() => new StreamEnvironment({ channel: { inFlightTargetMs: false } })).not.toThrow();
    expect(() => new StreamEnvironment({ channel: 5 as never })).toThrow(InvalidOptionError);
  });
});
