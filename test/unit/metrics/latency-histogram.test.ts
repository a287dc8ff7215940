// Latency histograms over HdrHistogram: percentiles come from the library at 3 significant digits,
// encodings round-trip and merge, bad encodings are typed errors; the clock is common to threads.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  LatencyHistogram,
  MAX_TRACKABLE_MICROS,
  monotonicMicros,
} from '../../../src/index.ts';

/** 1..n µs, once each. */
function uniform(n: number): LatencyHistogram {
  const h = new LatencyHistogram();
  for (let v = 1; v <= n; v++) h.record(v);
  return h;
}

describe('LatencyHistogram', () => {
  it('extracts percentiles through HdrHistogram within its 0.1 % precision', () => {
    const h = uniform(10_000);
    expect(h.count).toBe(10_000);
    for (const [p, expected] of [
      [50, 5000],
      [90, 9000],
      [99, 9900],
      [99.9, 9990],
    ] as const) {
      expect(Math.abs(h.valueAtPercentile(p) - expected) / expected).toBeLessThanOrEqual(0.001);
    }
    const s = h.summary();
    expect(s.count).toBe(10_000);
    expect(s.p50).toBeCloseTo(5, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(s.p999).toBeCloseTo(9.99, 1);
    expect(s.max).toBeCloseTo(10, 1);
    expect(s.mean).toBeCloseTo(5, 1);
  });

  it('keeps a skewed tail: 1 % of slow records sets p99.9 but not p50', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 9900; i++) h.record(100);
    for (let i = 0; i < 100; i++) h.record(50_000);
    const s = h.summary();
    expect(s.p50).toBeCloseTo(0.1, 2);
    expect(s.p90).toBeCloseTo(0.1, 2);
    expect(s.p999).toBeCloseTo(50, 0);
  });

  it('records early arrivals as 0 and counts them; caps values at an hour', () => {
    const h = new LatencyHistogram();
    h.record(-20);
    h.record(Number.NaN);
    h.record(MAX_TRACKABLE_MICROS * 10);
    expect(h.count).toBe(3);
    expect(h.clamped).toBe(2);
    expect(h.valueAtPercentile(0)).toBe(0);
    expect(h.summary().max).toBeGreaterThanOrEqual((MAX_TRACKABLE_MICROS / 1000) * 0.999);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.clamped).toBe(0);
  });

  it('round-trips through the compressed base64 encoding and merges', () => {
    const a = uniform(1000);
    const b = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) b.record(100_000);
    const decoded = LatencyHistogram.decode(a.encode());
    expect(decoded.count).toBe(1000);
    expect(decoded.valueAtPercentile(99)).toBe(a.valueAtPercentile(99));
    const merged = LatencyHistogram.merge([decoded, LatencyHistogram.decode(b.encode())]);
    expect(merged.count).toBe(2000);
    expect(merged.valueAtPercentile(25)).toBeLessThanOrEqual(1000);
    expect(merged.valueAtPercentile(75)).toBeGreaterThan(99_000);
  });

  it('refuses what is not an encoded histogram with a typed error', () => {
    expect(() => LatencyHistogram.decode('')).toThrow(InvalidOptionError);
    expect(() => LatencyHistogram.decode('bm90IGEgaGlzdG9ncmFt')).toThrow(InvalidOptionError);
  });
});

describe('monotonicMicros', () => {
  it('is one clock for every thread: a worker reads a time between two main-thread readings', async () => {
    // The worker reads the same process-wide clock the function reads (process.hrtime.bigint).
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', () => parentPort.postMessage(Number(process.hrtime.bigint()) / 1000));`,
      { eval: true },
    );
    try {
      await new Promise((resolve) => worker.once('online', resolve));
      for (let i = 0; i < 5; i++) {
        const before = monotonicMicros();
        worker.postMessage('now');
        const inWorker = await new Promise<number>((resolve) => worker.once('message', resolve));
        const after = monotonicMicros();
        expect(inWorker).toBeGreaterThanOrEqual(before);
        expect(inWorker).toBeLessThanOrEqual(after);
      }
    } finally {
      await worker.terminate();
    }
  });

  it('never goes backwards', () => {
    let last = monotonicMicros();
    for (let i = 0; i < 10_000; i++) {
      const now = monotonicMicros();
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
  });
});
