/**
 * Credit-based flow control for the message-passing peers, which have no backpressure of their own:
 * the producer spends one credit per record sent and waits when it has none; the consumer returns
 * credits as it consumes. Memory in flight stays bounded by the window (plus one batch), as it is
 * by the capacity of a ring.
 *
 * Thread: the producer.
 */
export class Credits {
  #available: number;
  #waiter: (() => void) | null = null;
  #waiting: Promise<void> | undefined;

  constructor(window: number) {
    this.#available = window;
  }

  /** Spends `n` credits (the balance may go negative by up to one batch). */
  spend(n: number): void {
    this.#available -= n;
  }

  /** Returns `n` credits and wakes a waiting producer once the balance is positive. */
  grant(n: number): void {
    this.#available += n;
    if (this.#available > 0 && this.#waiter !== null) {
      const wake = this.#waiter;
      this.#waiter = null;
      this.#waiting = undefined;
      wake();
    }
  }

  /** Undefined when credits remain; otherwise a promise that resolves when some come back. */
  wait(): Promise<void> | undefined {
    if (this.#available > 0) return undefined;
    this.#waiting ??= new Promise((resolve) => {
      this.#waiter = resolve;
    });
    return this.#waiting;
  }
}
