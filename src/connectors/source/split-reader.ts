/**
 * Sources as lists of splits, as Flink's FLIP-27 sources are: each subtask reads the splits it
 * owns one after the other, and its checkpointed operator state is the list of what remains of
 * them. On restore, possibly at another parallelism, the remaining splits of all old subtasks are
 * dealt out to the new ones, so every record is read exactly once either way.
 */
import type { Collector } from '../../operators/functions.ts';
import { SOURCE_END, SOURCE_MORE, type SourceReader } from '../../operators/operator.ts';

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

/** Returned by {@link SplitSequenceReader.nextSplit} when no split is left for this subtask. */
export const NO_SPLIT: unique symbol = Symbol('no split');

/**
 * Reads splits one after the other; subclasses decide which split comes next and what the
 * checkpointed state is. A split closed by {@link close} is parked and reopened by the next poll.
 */
export abstract class SplitSequenceReader implements SourceReader {
  readonly #create: SplitFactory;
  #current: Split | undefined;
  /** The state of the current split while it is closed. */
  #parked: unknown;

  protected constructor(create: SplitFactory) {
    this.#create = create;
  }

  /** The state of the split to read next, or {@link NO_SPLIT} when this subtask has read them all. */
  protected abstract nextSplit(): unknown;

  abstract snapshotSplits(): unknown[];
  abstract restoreSplits(splits: readonly unknown[]): void;

  poll(out: Collector<unknown>, max: number): number {
    let budget = max;
    while (budget > 0) {
      if (this.#current === undefined) {
        const next = this.#parked !== undefined ? this.#parked : this.nextSplit();
        this.#parked = undefined;
        if (next === NO_SPLIT) return SOURCE_END;
        this.#current = this.#create(next);
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
    return SOURCE_MORE;
  }

  /** What remains of the split being read (open or parked), or `undefined`. */
  protected currentState(): unknown {
    return this.#current === undefined ? this.#parked : this.#current.state();
  }

  /** Drops the split being read (a restore replaces what this reader reads). */
  protected dropCurrent(): void {
    this.#current?.close?.();
    this.#current = undefined;
    this.#parked = undefined;
  }

  /** Releases the open split; what remains of it stays in the snapshot (and is reopened on poll). */
  close(): void {
    if (this.#current === undefined) return;
    this.#parked = this.#current.state();
    this.#current.close?.();
    this.#current = undefined;
  }
}

/** A subtask's own list of splits, read in order. */
export class MultiSplitReader extends SplitSequenceReader {
  #pending: unknown[];

  constructor(initial: readonly unknown[], create: SplitFactory) {
    super(create);
    this.#pending = [...initial];
  }

  protected nextSplit(): unknown {
    return this.#pending.length === 0 ? NO_SPLIT : this.#pending.shift();
  }

  snapshotSplits(): unknown[] {
    const current = this.currentState();
    return current === undefined ? [...this.#pending] : [current, ...this.#pending];
  }

  restoreSplits(splits: readonly unknown[]): void {
    this.dropCurrent();
    this.#pending = [...splits];
  }
}
