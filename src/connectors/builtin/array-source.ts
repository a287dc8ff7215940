/**
 * Sources over in-memory collections. An array is split by stride: subtask s of p reads elements
 * s, s + p, ...; a split's state is its next index and stride. A general iterable cannot be split,
 * so its source is non-parallel and its state is the number of elements consumed (re-iterating and
 * skipping them on restore). Re-iterating must give the same sequence again: a one-shot iterator
 * (a generator object) cannot, so a second iteration of one, or a replay shorter than what was
 * consumed, is a {@link SourceReplayError} rather than a silently empty or short source.
 */
import { SourceReplayError } from '../../errors.ts';
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

/** What `fromIterable` takes: a re-iterable collection, or a function that makes a fresh one. */
export type IterableInput<T> = Iterable<T> | (() => Iterable<T>);

/**
 * One-shot iterators (their `[Symbol.iterator]()` returns themselves) already iterated in this
 * thread. The job's environment, and so the iterable, is built once per thread and reused by every
 * later attempt in it, so a generator object would come back exhausted.
 */
const iterated = new WeakSet<object>();

function iterate(input: IterableInput<unknown>): Iterator<unknown> {
  const iterable = typeof input === 'function' ? input() : input;
  if (iterable == null || typeof iterable[Symbol.iterator] !== 'function') {
    throw new SourceReplayError(`fromIterable's function returned ${String(iterable)}, not an iterable`);
  }
  const iterator = iterable[Symbol.iterator]();
  if ((iterator as unknown) === iterable) {
    if (iterated.has(iterator)) {
      throw new SourceReplayError(
        'fromIterable was given a one-shot iterator (e.g. a generator object), which a restart ' +
          'cannot iterate again; pass a re-iterable collection, or a function that returns a fresh ' +
          'iterator: fromIterable(() => generate())',
      );
    }
    iterated.add(iterator);
  }
  return iterator;
}

class IterableSplitReader implements Split {
  readonly #iterator: Iterator<unknown>;
  #consumed = 0;
  #done = false;

  constructor(input: IterableInput<unknown>, skip: number) {
    this.#iterator = iterate(input);
    while (this.#consumed < skip) {
      if (this.#iterator.next().done) {
        throw new SourceReplayError(
          `fromIterable's iterable ended after ${this.#consumed} elements on replay, but the restored ` +
            `checkpoint had consumed ${skip}: a restore needs the same sequence again`,
        );
      }
      this.#consumed++;
    }
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

/**
 * A non-parallel source over any re-iterable collection (arrays, Sets, Maps, custom iterables), or
 * over what a function returns, called afresh on every start and restore.
 */
export function iterableSource(iterable: IterableInput<unknown>): SourceFactory {
  return () => new MultiSplitReader([0], (skip) => new IterableSplitReader(iterable, skip as number));
}
