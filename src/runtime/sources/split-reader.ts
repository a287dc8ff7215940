/**
 * Sources as lists of splits, as Flink's FLIP-27 sources are: each subtask reads the splits it
 * owns one after the other, and its checkpointed operator state is the list of what remains of
 * them. On restore, possibly at another parallelism, the remaining splits of all old subtasks are
 * dealt out to the new ones, so every record is read exactly once either way.
 */
import type { Collector } from '../../api/functions.ts';
import { SOURCE_END, SOURCE_MORE, type SourceReader } from '../operators/operator.ts';

/** One split being read. */
export interface Split {
  /** Emits at most `max` records; returns how many it emitted, or -1 when the split is exhausted. */
  read(out: Collector<unknown>, max: number): number;
  /** Plain data from which {@link SplitFactory} re-creates what remains of this split. */
  state(): unknown;
  /** Releases resources (file handles). */
  close?(): void;
}

/** Re-creates a split from its state. */
export type SplitFactory = (state: unknown) => Split;

export class MultiSplitReader implements SourceReader {
  readonly #create: SplitFactory;
  #pending: unknown[];
  #current: Split | undefined;

  constructor(initial: readonly unknown[], create: SplitFactory) {
    this.#create = create;
    this.#pending = [...initial];
  }

  poll(out: Collector<unknown>, max: number): number {
    let budget = max;
    while (budget > 0) {
      if (this.#current === undefined) {
        if (this.#pending.length === 0) return SOURCE_END;
        this.#current = this.#create(this.#pending.shift());
      }
      const emitted = this.#current.read(out, budget);
      if (emitted < 0) {
        this.#current.close?.();
        this.#current = undefined;
        continue;
      }
      budget -= emitted;
      if (emitted === 0) break;
    }
    return this.#current === undefined && this.#pending.length === 0 ? SOURCE_END : SOURCE_MORE;
  }

  snapshotSplits(): unknown[] {
    return this.#current === undefined ? [...this.#pending] : [this.#current.state(), ...this.#pending];
  }

  restoreSplits(splits: readonly unknown[]): void {
    this.#current?.close?.();
    this.#current = undefined;
    this.#pending = [...splits];
  }

  /** Releases the open split; what remains of it stays in the snapshot (and is reopened on poll). */
  close(): void {
    if (this.#current === undefined) return;
    this.#pending.unshift(this.#current.state());
    this.#current.close?.();
    this.#current = undefined;
  }
}
