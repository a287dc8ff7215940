// The valve's output watermark is the minimum over active, aligned channels, never goes back,
// ignores idle channels until they catch up, and is idle only while every channel is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatermarkValve } from '../../../../src/operators/time/watermark-valve.ts';

function valve(channels: number): { valve: WatermarkValve; out: (number | 'idle' | 'active')[] } {
  const out: (number | 'idle' | 'active')[] = [];
  return {
    valve: new WatermarkValve(channels, {
      watermark: (t) => out.push(t),
      status: (idle) => out.push(idle ? 'idle' : 'active'),
    }),
    out,
  };
}

describe('WatermarkValve', () => {
  it('outputs the minimum over channels once every channel has one', () => {
    const { valve: v, out } = valve(3);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 5);
    expect(out).toEqual([]);
    v.inputWatermark(2, 7);
    expect(out).toEqual([5]);
    v.inputWatermark(1, 20);
    expect(out).toEqual([5, 7]);
  });

  it('excludes an idle channel, and counts it again only once it caught up', () => {
    const { valve: v, out } = valve(2);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 3);
    expect(out).toEqual([3]);
    v.inputStatus(1, true);
    expect(out).toEqual([3, 10]);
    v.inputStatus(1, false);
    v.inputWatermark(1, 4); // behind the output: not counted, the output does not go back
    v.inputWatermark(0, 30);
    expect(out).toEqual([3, 10, 30]);
    v.inputWatermark(1, 12); // still behind
    v.inputWatermark(0, 40);
    expect(out).toEqual([3, 10, 30, 40]);
    v.inputWatermark(1, 45); // caught up: counted again
    v.inputWatermark(0, 50);
    expect(out).toEqual([3, 10, 30, 40, 45]);
  });

  it('goes idle when every channel is, with the largest watermark, and active with the first', () => {
    const { valve: v, out } = valve(2);
    v.inputWatermark(0, 10);
    v.inputWatermark(1, 20);
    v.inputStatus(0, true);
    v.inputStatus(1, true);
    expect(out).toEqual([10, 20, 'idle']);
    v.inputStatus(0, false);
    expect(out).toEqual([10, 20, 'idle', 'active']);
  });

  it('holds the watermark back without idleness: an ended channel counts as the maximum', () => {
    const { valve: v, out } = valve(2);
    v.inputWatermark(0, 100);
    expect(out).toEqual([]);
    v.inputEnded(1);
    expect(out).toEqual([100]);
  });

  it('never outputs a smaller watermark than before (random input)', () => {
    const event = fc.oneof(
      fc.record({ channel: fc.nat(3), watermark: fc.integer({ min: -50, max: 1000 }) }),
      fc.record({ channel: fc.nat(3), idle: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const { valve: v, out } = valve(4);
        const seen: number[] = [];
        for (const e of events) {
          if ('watermark' in e) {
            seen[e.channel] = Math.max(seen[e.channel] ?? -Infinity, e.watermark);
            v.inputWatermark(e.channel, e.watermark);
          } else v.inputStatus(e.channel, e.idle);
        }
        const marks = out.filter((o): o is number => typeof o === 'number');
        for (let i = 1; i < marks.length; i++) expect(marks[i]!).toBeGreaterThan(marks[i - 1]!);
        // Never beyond what some channel promised.
        for (const m of marks) expect(seen.some((s) => s !== undefined && s >= m)).toBe(true);
      }),
    );
  });
});
