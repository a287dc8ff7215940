/**
 * Numbered sources: a sequence of integers, or records generated from their number. Subtask s of p
 * starts with one split, the numbers s, s + p, s + 2p, ... of the range; a split's state is the next
 * number, the stride and the end, so a checkpoint rewinds it exactly, also at another parallelism.
 * An optional rate limit (records per second over all subtasks) makes an unbounded source a steady
 * load.
 */
import type { Collector } from '../../operators/functions.ts';
import type { SourceFactory } from '../../operators/operator.ts';
import { RateLimitedReader } from '../source/rate-limited-reader.ts';
import { MultiSplitReader, type Split } from '../source/split-reader.ts';

/** Options of numbered sources. */
export interface SequenceOptions {
  /** Records per second over all subtasks; unlimited when omitted. */
  readonly ratePerSecond?: number;
}

/** What remains of a numbered split. */
export interface SequenceSplit {
  readonly next: number;
  readonly stride: number;
  /** Exclusive; `null` for unbounded (Infinity does not survive msgpack). */
  readonly end: number | null;
}

class SequenceSplitReader implements Split {
  readonly #make: (n: number) => unknown;
  readonly #stride: number;
  readonly #end: number;
  #next: number;

  constructor(make: (n: number) => unknown, split: SequenceSplit) {
    this.#make = make;
    this.#next = split.next;
    this.#stride = split.stride;
    this.#end = split.end ?? Number.POSITIVE_INFINITY;
  }

  read(out: Collector<unknown>, max: number): number {
    if (this.#next >= this.#end) return -1;
    const make = this.#make;
    let n = 0;
    while (n < max && this.#next < this.#end) {
      const value = this.#next;
      this.#next += this.#stride;
      n++;
      out.collect(make(value));
    }
    return n;
  }

  state(): SequenceSplit {
    return { next: this.#next, stride: this.#stride, end: Number.isFinite(this.#end) ? this.#end : null };
  }
}

/** Numbers `from` (inclusive) to `to` (exclusive; Infinity for unbounded), each turned into a record. */
export function sequenceSource(
  from: number,
  to: number,
  make: (n: number) => unknown,
  options: SequenceOptions = {},
): SourceFactory {
  return (ctx) => {
    const first: SequenceSplit = {
      next: from + ctx.subtaskIndex,
      stride: ctx.parallelism,
      end: Number.isFinite(to) ? to : null,
    };
    const reader = new MultiSplitReader(
      [first],
      (state) => new SequenceSplitReader(make, state as SequenceSplit),
    );
    const rate = options.ratePerSecond;
    return rate === undefined ? reader : new RateLimitedReader(reader, rate / ctx.parallelism);
  };
}
