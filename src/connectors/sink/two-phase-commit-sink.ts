/**
 * The two-phase-commit sink base (Flink's TwoPhaseCommitSinkFunction): records go into the current
 * transaction; at a checkpoint barrier the transaction is pre-committed and kept, with the ones
 * before it, in the checkpointed operator state, and a new one begins; when the coordinator says
 * checkpoint n completed, every kept transaction up to n commits (a missed notification is made up
 * by the next: a higher id commits all lower ones). On restore the kept transactions are committed
 * again (commits must be idempotent) and the transaction that was open is aborted: its records are
 * replayed from the sources. Without periodic checkpoints the single transaction commits when the
 * input ends.
 */
import type { RuntimeContext } from '../../operators/functions.ts';
import type { Operator, OperatorFactory } from '../../operators/operator.ts';
import { userFunctionError } from '../../operators/user-function-error.ts';

/**
 * What a transactional sink does. `T` is a transaction handle: plain, msgpack-encodable data (it is
 * stored in checkpoints), e.g. `{ file: 'part-0-17.inprogress' }`.
 */
export interface TwoPhaseCommitFunctions<T, IN> {
  /** Starts a transaction (synchronous: it runs at the checkpoint barrier). */
  beginTransaction(context: RuntimeContext): T;
  /** Adds a record to the transaction (may buffer; must not make it visible). */
  write(transaction: T, record: IN): void;
  /**
   * Makes the transaction durable but still invisible. It starts at the barrier (synchronously);
   * a returned promise (a server's `PREPARE TRANSACTION`) is awaited before the subtask
   * acknowledges the checkpoint, so a checkpoint never completes with a transaction that is not
   * durable. `checkpointId` is the checkpoint the transaction belongs to (absent for the single
   * transaction of a job without periodic checkpoints).
   */
  preCommit(transaction: T, checkpointId?: number): void | Promise<void>;
  /** Makes the transaction visible. Must be idempotent: it may run again after a restore. */
  commit(transaction: T): void | Promise<void>;
  /**
   * Commits a transaction named by restored state (Flink's `recoverAndCommit`): an earlier attempt
   * or job may have committed it already. Defaults to {@link commit}.
   */
  recoverAndCommit?(transaction: T): void | Promise<void>;
  /** Discards the transaction. Must be idempotent. */
  abort(transaction: T): void | Promise<void>;
  /**
   * Discards transactions that earlier attempts began and no restored state names: those
   * pre-committed for checkpoints that never completed, after the restored one (Flink's Kafka sink
   * aborts such lingering transactions by their ids). Runs once when a subtask restores (after a
   * failure, or resuming), after the restored transactions were committed and aborted; it must
   * touch only transactions that no other subtask of this attempt may still commit.
   */
  abortLingering?(context: RuntimeContext): void | Promise<void>;
}

/** The operator state of a two-phase-commit sink subtask. */
interface SinkState<T> {
  /** Pre-committed transactions and the checkpoint each belongs to, oldest first. */
  readonly pending: ReadonlyArray<{ readonly checkpointId: number; readonly transaction: T }>;
  /** The transaction open when the state was taken (aborted on restore). */
  readonly current: T;
}

export function twoPhaseCommitSink<T, IN>(fns: TwoPhaseCommitFunctions<T, IN>): OperatorFactory {
  return (context): Operator => {
    let current: T | undefined;
    let pending: Array<{ checkpointId: number; transaction: T }> = [];
    let ended = false;
    /** Pre-commits in progress by checkpoint id, handed to the checkpointer by snapshotDurable. */
    const durable = new Map<number, Promise<void>>();
    const guard = <R>(what: string, fn: () => R): R => {
      try {
        return fn();
      } catch (error) {
        throw userFunctionError(context, what, error);
      }
    };
    const begin = (): T => guard('beginTransaction', () => fns.beginTransaction(context));
    return {
      open() {
        current = begin();
      },
      process(record) {
        try {
          fns.write(current as T, record as IN);
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
      },
      snapshotState(checkpointId): SinkState<T> {
        if (!ended || current !== undefined) {
          const preCommitted = guard('preCommit', () => fns.preCommit(current as T, checkpointId));
          if (preCommitted !== undefined) durable.set(checkpointId, preCommitted);
          pending.push({ checkpointId, transaction: current as T });
          current = ended ? undefined : begin();
        }
        return { pending: pending.map((p) => ({ ...p })), current: current as T };
      },
      snapshotDurable(checkpointId) {
        const preCommitted = durable.get(checkpointId);
        durable.delete(checkpointId);
        return preCommitted;
      },
      async notifyCheckpointComplete(checkpointId) {
        while (pending.length > 0 && pending[0]!.checkpointId <= checkpointId) {
          await fns.commit(pending[0]!.transaction);
          pending.shift();
        }
      },
      async restoreState(states) {
        // Commit what earlier attempts pre-committed (idempotently), abort what they left open,
        // then what they began after the restored checkpoint (no state names those).
        for (const state of states as SinkState<T>[]) {
          for (const p of state.pending) {
            if (fns.recoverAndCommit) await fns.recoverAndCommit(p.transaction);
            else await fns.commit(p.transaction);
          }
          if (state.current !== undefined) await fns.abort(state.current);
        }
        pending = [];
        await fns.abortLingering?.(context);
      },
      async finish() {
        ended = true;
        if (context.transactional) return; // the final checkpoint pre-commits and commits it
        await guard('preCommit', () => fns.preCommit(current as T));
        await fns.commit(current as T);
        current = undefined;
      },
      async close() {
        // Failure or cancel: the open transaction's records will be replayed; pre-committed ones
        // stay for a restore to commit.
        if (current !== undefined) await fns.abort(current);
        current = undefined;
      },
    };
  };
}
