/**
 * Hands out checkpoint ids (Flink's `CheckpointIDCounter`): strictly increasing positive integers,
 * never reused within a job. After a restore the counter starts above every id already in the
 * checkpoint directory, so a new checkpoint never lands on an old one's directory.
 */
import { InvalidOptionError } from '../errors.ts';

/** Strictly increasing checkpoint ids. */
export class CheckpointIdCounter {
  #next: number;

  /** `first` is the first id handed out: 1 for a fresh job, (highest id seen) + 1 after a restore. */
  constructor(first = 1) {
    if (!Number.isSafeInteger(first) || first < 1)
      throw new InvalidOptionError('firstCheckpointId', 'a positive integer', first);
    this.#next = first;
  }

  /** A counter whose first id follows every id in `existing` (e.g. ids found in storage). */
  static after(existing: Iterable<number>): CheckpointIdCounter {
    let highest = 0;
    for (const id of existing) highest = Math.max(highest, id);
    return new CheckpointIdCounter(highest + 1);
  }

  /** The id the next call to {@link next} returns. */
  peek(): number {
    return this.#next;
  }

  /** Returns a new id, greater than every id returned before. */
  next(): number {
    const id = this.#next;
    if (id >= Number.MAX_SAFE_INTEGER) throw new RangeError('checkpoint ids are exhausted');
    this.#next = id + 1;
    return id;
  }
}
