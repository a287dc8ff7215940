/**
 * A latency histogram over HdrHistogram (`hdr-histogram-js`): values in whole microseconds from
 * 1 µs to one hour at three significant digits (0.1 % resolution), constant memory whatever the
 * number of records, mergeable, and encoded in HdrHistogram's compressed base64 format so that a
 * sink subtask can hand its histogram to the main thread as one string (and any HdrHistogram tool
 * can read it back).
 *
 * Thread: any; one histogram belongs to one thread (plain JS memory, no sharing).
 */
import { createRequire } from 'node:module';
import type * as HdrHistogram from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import { InvalidOptionError } from '../errors.ts';

let hdrLibrary: typeof HdrHistogram | undefined;
/**
 * hdr-histogram-js, loaded on first use: it takes ~50 ms to load, and every worker thread imports
 * this module through the engine's index whether or not its job measures latency.
 */
function hdr(): typeof HdrHistogram {
  hdrLibrary ??= createRequire(import.meta.url)('hdr-histogram-js') as typeof HdrHistogram;
  return hdrLibrary;
}

/** Largest latency kept exactly, µs (one hour); larger values are recorded as this. */
export const MAX_TRACKABLE_MICROS = 3_600_000_000;
/** Decimal digits of precision kept for every value. */
export const SIGNIFICANT_DIGITS = 3;

/** Percentiles of a latency distribution, in milliseconds. */
export interface LatencySummary {
  /** Values recorded. */
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** End-to-end latencies of records, in microseconds. */
export class LatencyHistogram {
  readonly #histogram: Histogram;
  #clamped = 0;

  /** An empty histogram, or one wrapping a decoded HdrHistogram. */
  constructor(histogram?: Histogram) {
    this.#histogram =
      histogram ??
      hdr().build({
        lowestDiscernibleValue: 1,
        highestTrackableValue: MAX_TRACKABLE_MICROS,
        numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
        bitBucketSize: 32,
        useWebAssembly: false,
      });
  }

  /** Reads a histogram encoded by {@link LatencyHistogram.encode}; throws InvalidOptionError when it is not one. */
  static decode(encoded: string): LatencyHistogram {
    if (typeof encoded !== 'string' || encoded.length === 0)
      throw new InvalidOptionError('encoded histogram', 'a compressed base64 HdrHistogram', encoded);
    try {
      return new LatencyHistogram(hdr().decodeFromCompressedBase64(encoded, 32, false));
    } catch (error) {
      throw new InvalidOptionError(
        'encoded histogram',
        `a compressed base64 HdrHistogram (${error instanceof Error ? error.message : String(error)})`,
        `${encoded.slice(0, 24)}…`,
      );
    }
  }

  /** The sum of several histograms (e.g. one per sink subtask). */
  static merge(parts: Iterable<LatencyHistogram>): LatencyHistogram {
    const sum = new LatencyHistogram();
    for (const part of parts) sum.add(part);
    return sum;
  }

  /**
   * Records one latency in microseconds. Negative values (a record arriving before its scheduled
   * creation time, which a rate limiter allowing one record early can cause) count as 0 and are
   * counted in {@link clamped}; values above one hour count as one hour.
   */
  record(micros: number): void {
    let value = Math.round(micros);
    if (!(value >= 0)) {
      this.#clamped++;
      value = 0;
    } else if (value > MAX_TRACKABLE_MICROS) {
      value = MAX_TRACKABLE_MICROS;
    }
    this.#histogram.recordValue(value);
  }

  /** Adds every value of `other`. */
  add(other: LatencyHistogram): void {
    this.#histogram.add(other.#histogram);
    this.#clamped += other.#clamped;
  }

  /** Forgets every value. */
  reset(): void {
    this.#histogram.reset();
    this.#clamped = 0;
  }

  /** Values recorded. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Negative values recorded as 0 since the last reset (not kept by {@link encode}). */
  get clamped(): number {
    return this.#clamped;
  }

  /** The value at `percentile` (0–100), in microseconds, as HdrHistogram reports it. */
  valueAtPercentile(percentile: number): number {
    return this.#histogram.getValueAtPercentile(percentile);
  }

  /** Count, mean and p50/p90/p99/p99.9/max, in milliseconds. */
  summary(): LatencySummary {
    const h = this.#histogram;
    const ms = (micros: number): number => micros / 1000;
    return {
      count: h.totalCount,
      mean: h.totalCount === 0 ? 0 : ms(h.mean),
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
    };
  }

  /** HdrHistogram's compressed base64 encoding (V2 format). */
  encode(): string {
    return hdr().encodeIntoCompressedBase64(this.#histogram);
  }
}
