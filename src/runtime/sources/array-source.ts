/**
 * Source over an in-memory array: element i goes to subtask i mod parallelism, and the position is
 * the index of the next element, so the reader can be rewound after a restart.
 */
import type { Collector } from '../../api/functions.ts';
import {
  type OperatorContext,
  SOURCE_END,
  SOURCE_MORE,
  type SourceFactory,
  type SourceReader,
} from '../operators/operator.ts';

class ArraySourceReader implements SourceReader {
  readonly #elements: readonly unknown[];
  readonly #stride: number;
  #next: number;

  constructor(elements: readonly unknown[], context: OperatorContext) {
    this.#elements = elements;
    this.#stride = context.parallelism;
    this.#next = context.subtaskIndex;
  }

  poll(out: Collector<unknown>, max: number): number {
    const elements = this.#elements;
    for (let n = 0; n < max; n++) {
      if (this.#next >= elements.length) return SOURCE_END;
      const element = elements[this.#next];
      this.#next += this.#stride;
      out.collect(element);
    }
    return this.#next >= elements.length ? SOURCE_END : SOURCE_MORE;
  }

  position(): number {
    return this.#next;
  }

  seek(position: unknown): void {
    this.#next = position as number;
  }
}

/** A parallel source over `elements`. */
export function arraySource(elements: readonly unknown[]): SourceFactory {
  return (context) => new ArraySourceReader(elements, context);
}

class IterableSourceReader implements SourceReader {
  readonly #iterable: Iterable<unknown>;
  #iterator: Iterator<unknown>;
  #consumed = 0;

  constructor(iterable: Iterable<unknown>) {
    this.#iterable = iterable;
    this.#iterator = iterable[Symbol.iterator]();
  }

  poll(out: Collector<unknown>, max: number): number {
    for (let n = 0; n < max; n++) {
      const step = this.#iterator.next();
      if (step.done) return SOURCE_END;
      this.#consumed++;
      out.collect(step.value);
    }
    return SOURCE_MORE;
  }

  position(): number {
    return this.#consumed;
  }

  seek(position: unknown): void {
    this.#iterator = this.#iterable[Symbol.iterator]();
    this.#consumed = 0;
    const target = position as number;
    while (this.#consumed < target && !this.#iterator.next().done) this.#consumed++;
  }
}

/** A non-parallel source over any re-iterable collection (arrays, Sets, Maps, custom iterables). */
export function iterableSource(iterable: Iterable<unknown>): SourceFactory {
  return () => new IterableSourceReader(iterable);
}
