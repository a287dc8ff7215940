/**
 * Pre-aggregation before a keyed exchange (a combiner), for rolling reduce/sum/min/max/count in batch
 * mode, where only each key's final value matters: the producing subtask folds records of the same
 * key into one partial aggregate and sends partials, so a word count sends one record per distinct
 * word instead of one per word. Partials leave when the table reaches its size bound, before every
 * barrier (so a snapshot never misses folded records) and at the end of input. The downstream
 * reduce folds partials with the same (associative) function; count's partials are `{ key, count }`,
 * routed by their own key (`CombineSpec.partialKey`) and added up downstream.
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

export class CombiningOutput implements Collector<unknown> {
  readonly #key: (record: unknown) => Key;
  readonly #combine: CombineSpec;
  readonly #downstream: Collector<unknown>;
  readonly #partials = new Map<unknown, unknown>();
  readonly #context: RuntimeContext;

  /** `subtaskIndex` and `parallelism` are the producing subtask's (named in errors). */
  constructor(
    key: (record: unknown) => Key,
    combine: CombineSpec,
    downstream: Collector<unknown>,
    subtaskIndex: number,
    parallelism: number,
  ) {
    this.#key = key;
    this.#combine = combine;
    this.#downstream = downstream;
    this.#context = {
      operatorName: `${combine.operatorName} (combining before the exchange)`,
      operatorUid: combine.operatorUid,
      subtaskIndex,
      parallelism,
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
    partials.set(key, partial);
    if (partials.size >= COMBINER_MAX_KEYS) this.flush();
  }

  /** Sends every partial downstream and empties the table. */
  flush(): void {
    if (this.#partials.size === 0) return;
    const downstream = this.#downstream;
    for (const partial of this.#partials.values()) downstream.collect(partial);
    this.#partials.clear();
  }
}
