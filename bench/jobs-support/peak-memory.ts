/**
 * The largest resident set size of this process (the main thread and every worker thread share
 * it) seen while a measurement runs, sampled on a timer: a 1 GB state needs several times that in
 * memory while it is snapshotted and restored, and the machine is shared.
 */

export class PeakMemory {
  #peak = process.memoryUsage.rss();
  readonly #timer: NodeJS.Timeout;

  /** Starts sampling every `everyMs`. */
  constructor(everyMs = 100) {
    this.#timer = setInterval(() => this.#sample(), everyMs);
    this.#timer.unref();
  }

  /** Stops sampling; returns the peak in bytes. */
  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.#peak;
  }

  #sample(): void {
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss());
  }
}
