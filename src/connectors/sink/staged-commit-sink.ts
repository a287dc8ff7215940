/**
 * A sink for targets without transactions that can be prepared (Redis, NATS JetStream): exactly
 * once by staging. Records are converted into the target's entries as they arrive (a record the
 * target cannot hold fails the job at once, naming it) and held until the checkpoint barrier; the
 * batch then becomes part of the checkpoint's operator state, and is written when the checkpoint
 * completes by the target's {@link StagedCommitter}, idempotently: a batch is named by
 * (operator, subtask, checkpoint, token) and the committer skips a batch it already wrote (a commit
 * marker written atomically with the batch, or the target's de-duplication by message id). After a
 * restore the restored batches are committed again; records after the checkpoint are replayed by
 * the sources. In `at-least-once` mode (or without periodic checkpoints) entries are written at
 * once, in batches, and every batch before a barrier is written before the subtask acknowledges.
 *
 * Thread: the sink subtask's worker thread; commits run one after the other, in checkpoint order.
 */
import type { Operator, OperatorContext, OperatorFactory } from '../../operators/operator.ts';
import { userFunctionError } from '../../operators/user-function-error.ts';
import { randomHex } from '../../util/lazy-builtins.ts';

/** What a staged batch is called: unique across runs, the same when a restored batch commits again. */
export interface BatchId {
  readonly operatorUid: string;
  /** The subtask that staged it (not the one committing it, after a rescale). */
  readonly subtask: number;
  readonly checkpointId: number;
  /** Random per subtask start: a fresh run never mistakes its batches for an earlier run's. */
  readonly token: string;
}

/** A batch of entries, as stored in checkpoints (plain data). */
export interface StagedBatch<E> {
  readonly id: BatchId;
  readonly entries: readonly E[];
}

/** The target's side: conversion, idempotent batch writes, connection. `E` is plain data. */
export interface StagedCommitter<E> {
  /** Connects (before restore and the first record); rejects with a typed error when the server is down. */
  open(context: OperatorContext): Promise<void>;
  /**
   * The entry for a record; throws a `ConnectorRecordError` for a record the target cannot hold.
   * Anything else it throws comes from a user callback in the options (`fields`, `subject`, ...)
   * and fails the job as that operator's `UserFunctionError`.
   */
  toEntry(record: unknown): E;
  /**
   * Writes `batch.entries` unless the batch was written before (exactly-once: `batch.id` names
   * it), atomically where the target can.
   */
  commit(batch: StagedBatch<E>): Promise<void>;
  /** Writes entries at once, without de-duplication (at-least-once). */
  write(entries: readonly E[]): Promise<void>;
  close(): Promise<void>;
}

/** How the sink writes. */
export type SinkGuarantee = 'exactly-once' | 'at-least-once';

/** Entries an at-least-once sink buffers before it writes them. */
const WRITE_BATCH = 512;

interface StagedState<E> {
  readonly pending: readonly StagedBatch<E>[];
}

export function stagedCommitSink<E>(
  committer: () => StagedCommitter<E>,
  guarantee: SinkGuarantee = 'exactly-once',
): OperatorFactory {
  return (context): Operator => {
    const target = committer();
    const staged = context.transactional && guarantee === 'exactly-once';
    const token = randomHex(4);
    let buffer: E[] = [];
    let pending: StagedBatch<E>[] = [];
    /** Writes run in order on this chain; the first failure fails every later call. */
    let writes: Promise<void> = Promise.resolve();
    let failure: unknown;
    const enqueue = (write: () => Promise<void>): Promise<void> => {
      writes = writes.then(write).catch((error: unknown) => {
        failure ??= error;
        throw failure;
      });
      writes.catch(() => {});
      return writes;
    };
    const check = (): void => {
      if (failure !== undefined) throw failure;
    };
    const flush = (): Promise<void> | undefined => {
      if (buffer.length === 0) return undefined;
      const entries = buffer;
      buffer = [];
      return enqueue(() => target.write(entries));
    };
    return {
      async open() {
        await target.open(context);
      },
      process(record) {
        check();
        let entry: E;
        try {
          entry = target.toEntry(record);
        } catch (error) {
          throw userFunctionError(context, record, error); // typed errors pass through as they are
        }
        buffer.push(entry);
        if (!staged && buffer.length >= WRITE_BATCH) void flush();
      },
      snapshotState(checkpointId): StagedState<E> | undefined {
        check();
        if (!staged) return undefined;
        if (buffer.length > 0) {
          const id = { operatorUid: context.operatorUid, subtask: context.subtaskIndex, checkpointId, token };
          pending.push({ id, entries: buffer });
          buffer = [];
        }
        return { pending: [...pending] };
      },
      snapshotDurable() {
        // At-least-once: every record before the barrier is written before the ack.
        return staged ? undefined : (flush() ?? writes);
      },
      async notifyCheckpointComplete(checkpointId) {
        while (pending.length > 0 && pending[0]!.id.checkpointId <= checkpointId) {
          const batch = pending[0]!;
          await enqueue(() => target.commit(batch));
          pending.shift();
        }
      },
      async restoreState(states) {
        pending = [];
        for (const state of states as (StagedState<E> | undefined)[]) {
          for (const batch of state?.pending ?? []) await enqueue(() => target.commit(batch));
        }
      },
      async finish() {
        // With checkpoints the final checkpoint stages and commits the rest.
        if (staged) return;
        flush();
        await writes;
      },
      async close() {
        await target.close();
      },
    };
  };
}
