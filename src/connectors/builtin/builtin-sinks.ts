/**
 * Built-in sinks: collect (records delivered to the caller of `execute`), print, a user function
 * per record, and discard. The text-file sink lives in its own module.
 */

import { renderRecord } from '../../errors.ts';
import type { RuntimeContext } from '../../operators/functions.ts';
import type { CollectedBatch, Operator, OperatorFactory } from '../../operators/operator.ts';
import { userFunctionError } from '../../operators/user-function-error.ts';
import { randomHex } from '../../util/lazy-builtins.ts';
import { type TwoPhaseCommitFunctions, twoPhaseCommitSink } from '../sink/two-phase-commit-sink.ts';

/** Records a collect sink sends to the job master per message. */
const COLLECT_BATCH = 1024;

interface CollectTransaction {
  readonly id: string;
  readonly records: unknown[];
}

/**
 * Sends every record to the job master, which hands them to the caller. With periodic checkpoints
 * the records of each checkpoint interval are a transaction sent when the checkpoint completes
 * (exactly-once across restarts: the job master drops a transaction it already has).
 */
export function collectSink(): OperatorFactory {
  return (context, output): Operator => {
    if (context.transactional)
      return twoPhaseCommitSink(collectTransactions(context.operatorUid, context.sendToJobMaster))(
        context,
        output,
      );
    let batch: unknown[] = [];
    const send = (): void => {
      if (batch.length === 0) return;
      const message: CollectedBatch = { collect: context.operatorUid, records: batch };
      context.sendToJobMaster(message);
      batch = [];
    };
    return {
      process(record) {
        batch.push(record);
        if (batch.length >= COLLECT_BATCH) send();
      },
      finish: send,
    };
  };
}

function collectTransactions(
  uid: string,
  send: (batch: CollectedBatch) => void,
): TwoPhaseCommitFunctions<CollectTransaction, unknown> {
  const token = randomHex(4);
  let sequence = 0;
  return {
    beginTransaction: (context) => ({ id: `${context.subtaskIndex}-${token}-${sequence++}`, records: [] }),
    write: (txn, record) => {
      txn.records.push(record);
    },
    preCommit: () => {},
    commit: (txn) => {
      const batch: CollectedBatch = { collect: uid, records: txn.records, transaction: txn.id };
      send(batch);
    },
    recoverAndCommit: (txn) => {
      const batch: CollectedBatch = {
        collect: uid,
        records: txn.records,
        transaction: txn.id,
        restored: true,
      };
      send(batch);
    },
    abort: () => {},
  };
}

/** Writes each record to standard output, prefixed by the subtask index when parallel. */
export function printSink(prefix: string | undefined): OperatorFactory {
  return (context): Operator => {
    const lead = [prefix, context.parallelism > 1 ? `${context.subtaskIndex + 1}` : undefined]
      .filter((part) => part !== undefined)
      .join(':');
    const head = lead === '' ? '' : `${lead}> `;
    return {
      process(record) {
        process.stdout.write(
          `${head}${typeof record === 'string' ? record : renderRecord(record, 10_000)}\n`,
        );
      },
    };
  };
}

/** Calls `fn` for every record (custom sinks; exceptions fail the job naming the sink). */
export function functionSink(fn: (record: unknown, context: RuntimeContext) => void): OperatorFactory {
  return (context): Operator => ({
    process(record) {
      try {
        fn(record, context);
      } catch (error) {
        throw userFunctionError(context, record, error);
      }
    },
  });
}

/** Drops every record (benchmarks). */
export function discardSink(): OperatorFactory {
  return (): Operator => ({ process() {} });
}
