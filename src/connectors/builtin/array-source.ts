/**
 * Sources over in-memory collections. An array is split by stride: subtask s of p reads elements
 * s, s + p, ...; a split's state is its next index and stride. A general iterable cannot be split,
 * so its source is non-parallel and its state is the number of elements consumed (re-iterating and
 * skipping them on restore).
 */
import type { Collector } from '../../operators/functions.ts';
import type { SourceFactory } from '../../operators/operator.ts';
import { MultiSplitReader, type Split } from '../source/split-reader.ts';

interface ArraySplit {
  readonly next: number;
  readonly stride: number;
}

class ArraySplitReader implements Split {
  readonly #elements: readonly unknown[];
  readonly #stride: number;
  #next: number;

  constructor(elements: readonly unknown[], split: ArraySplit) {
    this.#elements = elements;
    this.#next = split.next;
    this.#stride = split.stride;
  }

  read(out: Collector<unknown>, max: number): number {
    const elements = this.#elements;
    if (this.#next >= elements.length) return -1;
    let n = 0;
    while (n < max && this.#next < elements.length) {
      const element = elements[this.#next];
      this.#next += this.#stride;
      n++;
      out.collect(element);
    }
    return n;
  }

  state(): ArraySplit {
    return { next: this.#next, stride: this.#stride };
  }
}

/** A parallel source over `elements`. */
export function arraySource(elements: readonly unknown[]): SourceFactory {
  return (context) =>
    new MultiSplitReader(
      [{ next: context.subtaskIndex, stride: context.parallelism }],
      (state) => new ArraySplitReader(elements, state as ArraySplit),
    );
}

class IterableSplitReader implements Split {
  readonly #iterator: Iterator<unknown>;
  #consumed = 0;
  #done = false;

  constructor(iterable: Iterable<unknown>, skip: number) {
    this.#iterator = iterable[Symbol.iterator]();
    while (this.#consumed < skip && !this.#iterator.next().done) this.#consumed++;
  }

  read(out: Collector<unknown>, max: number): number {
    if (this.#done) return -1;
    let n = 0;
    while (n < max) {
      const step = this.#iterator.next();
      if (step.done) {
        this.#done = true;
        return n === 0 ? -1 : n;
      }
      this.#consumed++;
      n++;
      out.collect(step.value);
    }
    return n;
  }

  state(): number {
    return this.#consumed;
  }
}

/** A non-parallel source over any re-iterable collection (arrays, Sets, Maps, custom iterables). */
export function iterableSource(iterable: Iterable<unknown>): SourceFactory {
  return () => new MultiSplitReader([0], (skip) => new IterableSplitReader(iterable, skip as number));
}
