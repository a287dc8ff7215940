/**
 * Numbered sources: a sequence of integers, or records generated from their number. Subtask s of p
 * takes the numbers s, s + p, s + 2p, ... of the range, and its position is the next number to
 * emit, so a checkpoint can rewind it exactly. An optional rate limit (records per second over all
 * subtasks) makes an unbounded source usable as a steady load.
 */
import type { Collector } from '../../api/functions.ts';
import {
  type OperatorContext,
  SOURCE_END,
  SOURCE_MORE,
  type SourceFactory,
  type SourceReader,
} from '../operators/operator.ts';

/** Options of numbered sources. */
export interface SequenceOptions {
  /** Records per second over all subtasks; unlimited when omitted. */
  readonly ratePerSecond?: number;
}

class SequenceReader implements SourceReader {
  readonly #make: (n: number) => unknown;
  readonly #end: number;
  readonly #stride: number;
  readonly #ratePerMs: number;
  #next: number;
  #startedAt = -1;
  #emitted = 0;

  constructor(
    make: (n: number) => unknown,
    from: number,
    end: number,
    rate: number | undefined,
    ctx: OperatorContext,
  ) {
    this.#make = make;
    this.#end = end;
    this.#stride = ctx.parallelism;
    this.#next = from + ctx.subtaskIndex;
    this.#ratePerMs = rate === undefined ? 0 : rate / ctx.parallelism / 1000;
  }

  poll(out: Collector<unknown>, max: number): number {
    let budget = max;
    if (this.#ratePerMs > 0) {
      const now = performance.now();
      if (this.#startedAt < 0) this.#startedAt = now;
      const allowed = Math.floor((now - this.#startedAt) * this.#ratePerMs) + 1 - this.#emitted;
      if (allowed <= 0)
        return Math.max(
          1,
          Math.ceil((this.#emitted + 1 - (now - this.#startedAt) * this.#ratePerMs) / this.#ratePerMs),
        );
      budget = Math.min(budget, allowed);
    }
    const make = this.#make;
    for (let n = 0; n < budget; n++) {
      if (this.#next >= this.#end) return SOURCE_END;
      const value = this.#next;
      this.#next += this.#stride;
      this.#emitted++;
      out.collect(make(value));
    }
    return this.#next >= this.#end ? SOURCE_END : SOURCE_MORE;
  }

  position(): number {
    return this.#next;
  }

  seek(position: unknown): void {
    this.#next = position as number;
  }
}

/** Numbers `from` (inclusive) to `to` (exclusive; Infinity for unbounded), each turned into a record. */
export function sequenceSource(
  from: number,
  to: number,
  make: (n: number) => unknown,
  options: SequenceOptions = {},
): SourceFactory {
  return (ctx) => new SequenceReader(make, from, to, options.ratePerSecond, ctx);
}
