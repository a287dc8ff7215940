/**
 * Buffer debloating for one channel (Flink's buffer debloater, on the producer's side): how many
 * bytes of its ring the producer lets fill, so that what waits in the ring drains within a target
 * time. Backpressure then holds the rest upstream instead of letting a full ring turn into seconds
 * of latency, and an aligned barrier queues behind at most about the target's worth of records.
 *
 * The consumer's drain rate is estimated from the producer's side alone: over a sample period, the
 * bytes the producer appended minus the growth of the ring's used bytes were consumed. Wrap padding
 * is not counted as appended, so the estimate errs low (by at most one frame per pass over the
 * ring). The limit is `rate × target`, between {@link MIN_IN_FLIGHT_BYTES} and the ring's capacity,
 * and batches shrink with it (a quarter of the limit) so that several frames are always in flight.
 * A frame is always admitted into an empty ring, so a limit never stops a channel.
 *
 * When the consumer is idle (low load) the measured rate is the offered rate and the ring never
 * reaches the limit; when the consumer is the bottleneck, the producer is held at the limit, the
 * consumer drains at its full speed, and that is what is measured. The trade-off is throughput on
 * bursts: after an idle stretch the limit is small and needs a few sample periods to grow.
 *
 * Thread: the producing subtask's thread only; time is injected (`now` arguments).
 */

/** Sampling period of the drain rate (ms): long enough to span many frames at a slow consumer. */
export const SAMPLE_MS = 20;
/** The fewest bytes the limit allows: a few small frames. */
export const MIN_IN_FLIGHT_BYTES = 16 * 1024;
/** The smallest batch target the limit imposes. */
export const MIN_BATCH_BYTES = 2 * 1024;
/** Weight of a new sample in the rate's moving average. */
const SMOOTHING = 0.5;

export class InFlightLimit {
  readonly #targetMs: number;
  readonly #capacity: number;
  #limit: number;
  /** Consumed bytes per ms, smoothed; negative before the first sample. */
  #rate = -1;
  #sampleStart: number;
  #appended = 0;
  #usedAtStart = 0;

  /** `targetMs`: how long the ring's content may take to drain; `capacity`: the ring's bytes. */
  constructor(targetMs: number, capacity: number, now: number) {
    this.#targetMs = targetMs;
    this.#capacity = capacity;
    this.#limit = capacity;
    this.#sampleStart = now;
  }

  /** Bytes of the ring the producer may fill now. */
  get limitBytes(): number {
    return this.#limit;
  }

  /** The consumer's estimated drain rate, bytes per ms (0 before the first sample). */
  get drainRate(): number {
    return Math.max(0, this.#rate);
  }

  /** Whether a frame of `frameBytes` may be written into a ring holding `usedBytes`. */
  admits(frameBytes: number, usedBytes: number): boolean {
    return usedBytes === 0 || usedBytes + frameBytes <= this.#limit;
  }

  /** The batch target for records: at most a quarter of the limit. */
  batchBytes(configured: number): number {
    return Math.min(configured, Math.max(MIN_BATCH_BYTES, this.#limit >>> 2));
  }

  /** A frame of `frameBytes` was appended. */
  appended(frameBytes: number): void {
    this.#appended += frameBytes;
  }

  /** Updates the estimate once a sample period has passed; `usedBytes`: the ring's content now. */
  sample(now: number, usedBytes: number): void {
    const elapsed = now - this.#sampleStart;
    if (elapsed < SAMPLE_MS) return;
    const consumed = Math.max(0, this.#appended - (usedBytes - this.#usedAtStart));
    const rate = consumed / elapsed;
    this.#rate = this.#rate < 0 ? rate : this.#rate + SMOOTHING * (rate - this.#rate);
    this.#limit = Math.min(this.#capacity, Math.max(MIN_IN_FLIGHT_BYTES, this.#rate * this.#targetMs));
    this.#sampleStart = now;
    this.#appended = 0;
    this.#usedAtStart = usedBytes;
  }
}
