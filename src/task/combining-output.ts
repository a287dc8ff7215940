/**
 * Pre-aggregation before a keyed exchange (a combiner), for rolling reduce/sum/min/max/count: the
 * producing subtask folds records of the same key into one partial aggregate and sends partials, so
 * a word count sends one record per distinct word instead of one per word. In batch mode only each
 * key's final value matters and partials are held until the end of input; in streaming mode
 * (`localAggregationMs`, Flink's mini-batch local-global aggregation) a mini-batch lasts at most that
 * long. Partials also leave when the table reaches its size bound and before every barrier (so a
 * snapshot never misses folded records). The downstream reduce folds partials with the same
 * (associative) function; count's partials are `{ key, count }`, routed by their own key
 * (`CombineSpec.partialKey`) and added up downstream.
 *
 * Thread: the producing subtask's worker thread.
 */

import type { CombineSpec } from '../graph/stream-node.ts';
import type { Collector, Key, RuntimeContext } from '../operators/functions.ts';
import { userFunctionError } from '../operators/user-function-error.ts';

/**
 * Distinct keys held before the partials are sent. Large enough that a vocabulary-sized key space
 * (a word count's few thousand to tens of thousands of words) folds until the end of input instead
 * of crossing the exchange again after every refill (at 4096, a 5000-word Zipf vocabulary sent a
 * partial for one word in ten); a partial is one small record, so the bound is a few MB per subtask.
 */
export const COMBINER_MAX_KEYS = 65_536;

/** Where a combiner runs and how long it may hold a partial. */
export interface CombinerSettings {
  /** The producing subtask's index and parallelism (named in errors). */
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** Longest time from a mini-batch's first record to its partials leaving; Infinity: end of input. */
  readonly maxDelayMs: number;
}

export class CombiningOutput implements Collector<unknown> {
  readonly #key: (record: unknown) => Key;
  readonly #combine: CombineSpec;
  readonly #downstream: Collector<unknown>;
  readonly #partials = new Map<unknown, unknown>();
  readonly #context: RuntimeContext;
  readonly #maxDelayMs: number;
  /** When the current mini-batch's first partial was made (`performance.now()`), or NaN when empty. */
  #startedAt = Number.NaN;

  constructor(
    key: (record: unknown) => Key,
    combine: CombineSpec,
    downstream: Collector<unknown>,
    settings: CombinerSettings,
  ) {
    this.#key = key;
    this.#combine = combine;
    this.#downstream = downstream;
    this.#maxDelayMs = settings.maxDelayMs;
    this.#context = {
      operatorName: `${combine.operatorName} (combining before the exchange)`,
      operatorUid: combine.operatorUid,
      subtaskIndex: settings.subtaskIndex,
      parallelism: settings.parallelism,
    };
  }

  collect(record: unknown): void {
    const partials = this.#partials;
    let key: unknown;
    let previous: unknown;
    let partial: unknown;
    try {
      const k = this.#key(record);
      key = typeof k === 'object' ? JSON.stringify(k) : k;
      previous = partials.get(key);
      partial = previous === undefined ? this.#combine.first(record) : this.#combine.reduce(previous, record);
    } catch (error) {
      throw userFunctionError(this.#context, record, error);
    }
    // An in-place fold returns the partial it was given: the table already holds it.
    if (partial === previous) return;
    // Only the first partial of a mini-batch reads the clock (bounded delays only).
    if (partials.size === 0 && this.#maxDelayMs !== Number.POSITIVE_INFINITY)
      this.#startedAt = performance.now();
    partials.set(key, partial);
    if (partials.size >= COMBINER_MAX_KEYS) this.flush();
  }

  /** Sends the partials when the mini-batch is over; returns when it will be (Infinity: nothing held). */
  flushIfDue(now: number): number {
    if (this.#partials.size === 0 || this.#maxDelayMs === Number.POSITIVE_INFINITY)
      return Number.POSITIVE_INFINITY;
    const deadline = this.#startedAt + this.#maxDelayMs;
    if (now < deadline) return deadline;
    this.flush();
    return Number.POSITIVE_INFINITY;
  }

  /** Sends every partial downstream and empties the table. */
  flush(): void {
    if (this.#partials.size === 0) return;
    const downstream = this.#downstream;
    for (const partial of this.#partials.values()) downstream.collect(partial);
    this.#partials.clear();
  }
}
