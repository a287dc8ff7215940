// The experiment job's measurement pieces: the source stamper's schedule, the sink's latency
// recording, and the histogram exchange between sink subtasks and the main thread.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HistogramGatherer } from '../../bench/experiments/histogram-gatherer.ts';
import type { TakenRecord } from '../../bench/experiments/job-args.ts';
import { STAGE_SAMPLE_EVERY } from '../../bench/experiments/latency-recorder.ts';
import { latencySink } from '../../bench/experiments/latency-sink.ts';
import { stamper } from '../../bench/experiments/stamper.ts';
import { monotonicMicros, type RuntimeContext } from '../../src/index.ts';

function context(subtaskIndex: number): RuntimeContext {
  return { operatorName: 'latency-sink', operatorUid: 'latency-sink', subtaskIndex, parallelism: 2 };
}

describe('stamper', () => {
  it('stamps unlimited sources with their emission time', () => {
    const stamp = stamper(null);
    const [n, scheduled, emitted] = stamp(7);
    expect(n).toBe(7);
    expect(scheduled).toBe(emitted);
  });

  it("schedules a rate-limited source's records on its rate, never after their emission", () => {
    // Emitted in one burst (faster than the 1 ms schedule): the schedule's origin follows the burst
    // back, so no record is scheduled after it was emitted, and no two are more than 1 ms apart.
    const stamp = stamper(1000);
    const records = Array.from({ length: 50 }, (_, i) => stamp(i));
    for (let k = 1; k < records.length; k++) {
      expect(records[k]![1] - records[k - 1]![1]).toBeLessThanOrEqual(1000 + 1e-6);
    }
    for (const [, scheduled, emitted] of records) expect(scheduled).toBeLessThanOrEqual(emitted);
    // A source held back (backpressure) emits late: the wait shows as latency.
    const late = stamper(1000);
    late(0);
    const origin = late(1)[1] - 1000;
    const t = monotonicMicros();
    while (monotonicMicros() - t < 5000) {
      // 5 ms pass, as if backpressure held the source.
    }
    const [, scheduled, emitted] = late(2);
    expect(scheduled).toBeCloseTo(origin + 2000, 6);
    expect(emitted - scheduled).toBeGreaterThanOrEqual(3000);
  });
});

describe('latency sink and gatherer', () => {
  it('records each arrival in the sink subtasks and hands merged histograms to the main thread', async () => {
    const channel = `test-${randomBytes(4).toString('hex')}`;
    const sinks = [latencySink(channel, 0), latencySink(channel, 0)];
    const now = monotonicMicros();
    // A first record opens each subtask's channel (warm-up: discarded by the window's reset).
    for (const [s, sink] of sinks.entries()) sink([0, now - 1e6, now - 1e6, now - 1e6], context(s));
    const gatherer = new HistogramGatherer(channel, 2);
    try {
      await gatherer.startWindow(10_000);
      const at = monotonicMicros();
      const record = (scheduledAgo: number, emittedAgo: number, takenAgo: number): TakenRecord => [
        1,
        at - scheduledAgo,
        at - emittedAgo,
        at - takenAgo,
      ];
      // Stages are sampled (one record in STAGE_SAMPLE_EVERY): 8 records per value to sample.
      for (let i = 0; i < 99 * STAGE_SAMPLE_EVERY; i++) sinks[0]!(record(2000, 1000, 600), context(0));
      for (let i = 0; i < STAGE_SAMPLE_EVERY; i++) sinks[1]!(record(50_000, 1000, 600), context(1));
      const { endToEnd, pipeline, stages, clamped } = await gatherer.gather(10_000);
      expect(endToEnd.count).toBe(100 * STAGE_SAMPLE_EVERY);
      expect(pipeline.count).toBe(100 * STAGE_SAMPLE_EVERY);
      expect(clamped).toBe(0);
      const e2e = endToEnd.summary();
      // Arrival is a little after `at`; the values are at least the stamped offsets.
      expect(e2e.p50).toBeGreaterThanOrEqual(2);
      expect(e2e.p50).toBeLessThan(40);
      expect(e2e.max).toBeGreaterThanOrEqual(50);
      expect(pipeline.summary().p50).toBeGreaterThanOrEqual(1);
      expect(pipeline.summary().max).toBeLessThan(e2e.max);
      // The stages split the end-to-end time at the stamps: source 1 ms (49 ms once), channel 0.4 ms,
      // task the rest (arrival is a little after \`at\`).
      expect(stages.source.summary().p50).toBeCloseTo(1, 1);
      expect(stages.source.summary().max).toBeCloseTo(49, 0);
      expect(stages.channel.summary().max).toBeCloseTo(0.4, 1);
      // The warm-up record counted towards the first sample of each sink.
      expect(stages.task.count).toBe(100);
      expect(stages.task.summary().p50).toBeCloseTo(e2e.p50 - 1.4, 1);
    } finally {
      gatherer.close();
    }
  });

  it('fails a window naming the sink subtasks that did not answer', async () => {
    const channel = `test-${randomBytes(4).toString('hex')}`;
    const sink = latencySink(channel, 0);
    const now = monotonicMicros();
    sink([0, now, now, now], context(0));
    const gatherer = new HistogramGatherer(channel, 2);
    try {
      await expect(gatherer.startWindow(300)).rejects.toThrow(/sink subtask\(s\) 1 did not answer 'reset'/);
    } finally {
      gatherer.close();
    }
  });
});
