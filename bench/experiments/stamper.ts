/**
 * Stamps records at the source: the map chained to every source subtask turns a record number into
 * a {@link StampedRecord}. With an offered rate the record's creation time is the time it was due
 * (the subtask's first record time plus k intervals for its k-th record), not the time the rate
 * limiter let it out: when backpressure holds the source back, the wait counts as latency instead of
 * disappearing (HdrHistogram's "coordinated omission"). The emission time is kept too, so the
 * report can show both the end-to-end latency and the part spent inside the pipeline.
 *
 * The schedule's origin is not the first record's time: the rate limiter starts its clock at its
 * first poll, a little before the first record reaches this map (cold code), and lets a record out
 * up to one interval early. So the origin is the earliest `emitted - k × spacing` seen: it converges
 * to the limiter's own schedule within the first bursts (during the warm-up), and a record is never
 * scheduled after it was emitted.
 *
 * Thread: a source subtask's worker; one stamper per worker, i.e. per source subtask.
 */
import { monotonicMicros } from '../../src/index.ts';
import type { StampedRecord } from './job-args.ts';

/** A map function for a source subtask offering `ratePerSubtask` records/s (null: unlimited). */
export function stamper(ratePerSubtask: number | null): (n: number) => StampedRecord {
  const spacingMicros = ratePerSubtask === null ? 0 : 1e6 / ratePerSubtask;
  let origin = Number.POSITIVE_INFINITY;
  let k = 0;
  return (n) => {
    const now = monotonicMicros();
    if (ratePerSubtask === null) return [n, now, now];
    const offset = k * spacingMicros;
    k++;
    if (now - offset < origin) origin = now - offset;
    return [n, origin + offset, now];
  };
}
