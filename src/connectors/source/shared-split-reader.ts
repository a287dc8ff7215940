/**
 * A source whose subtasks share one queue of splits, as Flink's FLIP-27 enumerator hands out splits
 * on request: each subtask claims the next split with `Atomics.add` on the attempt's split cursor
 * (`OperatorContext.splitCursor`) when it has none, so a subtask on a slower or busier core reads
 * fewer splits and all of them finish together, instead of the job waiting for the slowest fixed
 * share.
 *
 * Checkpoints. A subtask's state at a barrier is the attempt's queue, the indices of the splits it
 * claimed before the barrier, and what remains of the split it is reading. A restore gives every
 * new subtask the states of all old subtasks (union operator state, see `StreamNode`), from which
 * each computes the same remaining queue: the remainders of the splits being read, then every split
 * that no subtask had claimed before its own barrier (never claimed, or claimed after the
 * claimant's barrier, whose records belong to the next checkpoint). A split claimed and finished
 * before the claimant's barrier is done. The new attempt's cursor starts at 0 over that queue.
 * States of sources that did not share a queue (plain split lists) are remaining splits too.
 *
 * Thread: the source subtask's worker thread; the cursor is shared by the source's subtasks.
 */
import { WeirError } from '../../errors.ts';
import { NO_SPLIT, type SplitFactory, SplitSequenceReader } from './split-reader.ts';

/** The checkpointed state of one subtask of a shared queue. */
export interface SharedQueueState {
  readonly kind: 'shared-split-queue';
  /** The queue of the attempt the state was taken in (plain split states). */
  readonly queue: readonly unknown[];
  /** Indices into `queue` that this subtask claimed before the barrier. */
  readonly claimed: readonly number[];
  /** What remains of the split being read (`null`: none). */
  readonly current: unknown;
}

function isSharedQueueState(value: unknown): value is SharedQueueState {
  return (value as { kind?: unknown } | null)?.kind === 'shared-split-queue';
}

/** Where subtasks take their next split index from. */
type Claim = () => number;

export class SharedSplitReader extends SplitSequenceReader {
  #queue: readonly unknown[];
  readonly #claim: Claim;
  readonly #claimed: number[] = [];

  /**
   * `queue`: every split of the input, the same in every subtask. Without a cursor (no runtime, as
   * in unit tests), subtask i reads splits i, i + p, i + 2p…, which is a fixed share.
   */
  constructor(
    queue: readonly unknown[],
    create: SplitFactory,
    cursor: Int32Array | undefined,
    subtaskIndex: number,
    parallelism: number,
  ) {
    super(create);
    this.#queue = queue;
    if (cursor) {
      this.#claim = () => Atomics.add(cursor, 0, 1);
    } else {
      let next = subtaskIndex;
      this.#claim = () => {
        const index = next;
        next += parallelism;
        return index;
      };
    }
  }

  protected nextSplit(): unknown {
    const index = this.#claim();
    if (index >= this.#queue.length) return NO_SPLIT;
    this.#claimed.push(index);
    return this.#queue[index];
  }

  snapshotSplits(): unknown[] {
    const state: SharedQueueState = {
      kind: 'shared-split-queue',
      queue: this.#queue,
      claimed: [...this.#claimed],
      current: this.currentState() ?? null,
    };
    return [state];
  }

  /** `splits`: the states of all old subtasks (union), in the same order in every new subtask. */
  restoreSplits(splits: readonly unknown[]): void {
    this.dropCurrent();
    this.#claimed.length = 0;
    this.#queue = remainingQueue(splits);
  }
}

/** The queue that remains after the checkpoint the given subtask states belong to. */
export function remainingQueue(states: readonly unknown[]): unknown[] {
  const remaining: unknown[] = [];
  const queues: (readonly unknown[])[] = [];
  const claimedBefore = new Set<number>();
  for (const state of states) {
    if (!isSharedQueueState(state)) {
      remaining.push(state);
      continue;
    }
    queues.push(state.queue);
    for (const index of state.claimed) claimedBefore.add(index);
    if (state.current !== null && state.current !== undefined) remaining.push(state.current);
  }
  const queue = queues[0];
  if (queue === undefined) return remaining;
  for (const other of queues) {
    if (other.length !== queue.length)
      throw new WeirError(
        'ERR_STATE_RESTORE',
        'internal',
        'the restored source subtasks come from different split queues (states of different attempts)',
      );
  }
  queue.forEach((split, index) => {
    if (!claimedBefore.has(index)) remaining.push(split);
  });
  return remaining;
}
