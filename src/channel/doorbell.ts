/**
 * A consumer's doorbell: one wake-up word shared by every ring that feeds the consumer, so that a
 * subtask with many inputs sleeps on a single word and any producer can wake it.
 *
 * Thread: only the consumer calls {@link Doorbell.sleep}; producers ring it from
 * `RingBuffer.tryWrite`, and only when the consumer announced that it parked.
 */
import { DOORBELL_PARKED, DOORBELL_SEQ } from './layout.ts';
import { park } from './park.ts';

export class Doorbell {
  readonly #words: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer);
  }

  /**
   * Sleeps until a producer rings or `timeoutMs` passes, unless `hasWork()` (checked after parking,
   * which closes the race with a producer that published just before) finds something to do.
   */
  sleep(hasWork: () => boolean, timeoutMs: number): Promise<void> | undefined {
    const words = this.#words;
    const seq = Atomics.load(words, DOORBELL_SEQ);
    Atomics.store(words, DOORBELL_PARKED, 1);
    if (hasWork()) {
      Atomics.store(words, DOORBELL_PARKED, 0);
      return undefined;
    }
    const waiting = park(words, DOORBELL_SEQ, seq, timeoutMs);
    if (waiting === undefined) {
      Atomics.store(words, DOORBELL_PARKED, 0);
      return undefined;
    }
    return waiting.then(() => Atomics.store(words, DOORBELL_PARKED, 0)).then(noop);
  }

  /** Wakes the consumer from any thread (used by cancellation and control messages). */
  ring(): void {
    Atomics.add(this.#words, DOORBELL_SEQ, 1);
    Atomics.notify(this.#words, DOORBELL_SEQ);
  }
}

function noop(): void {}
