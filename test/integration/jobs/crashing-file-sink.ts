// An exactly-once file sink (two-phase commit: a hidden file per transaction, renamed on commit)
// whose worker thread exits once inside a checkpoint: at the `preCommitExitAt`-th pre-commit of
// subtask 0 (the barrier is being handled), or at its `commitExitAt`-th commit (the checkpoint has
// completed, its commit not yet run). `fired` holds one Int32 flag per failure.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeContext, TwoPhaseCommitFunctions } from '../../../src/index.ts';

export interface CheckpointFailures {
  readonly preCommitExitAt?: number;
  readonly commitExitAt?: number;
  /** Two Int32 flags: pre-commit exit fired, commit exit fired. */
  readonly fired: SharedArrayBuffer;
}

interface Transaction {
  readonly id: string;
  readonly lines: string[];
}

export function crashingFileSink(
  dir: string,
  failures: CheckpointFailures,
): TwoPhaseCommitFunctions<Transaction, string> {
  const fired = new Int32Array(failures.fired);
  let preCommits = 0;
  let commits = 0;
  let subtask = -1;
  const exitOnce = (flag: number): void => {
    if (Atomics.compareExchange(fired, flag, 0, 1) === 0) process.exit(3);
  };
  return {
    beginTransaction(context: RuntimeContext) {
      subtask = context.subtaskIndex;
      return { id: `part-${context.subtaskIndex}-${process.hrtime.bigint()}`, lines: [] };
    },
    write(transaction, line) {
      transaction.lines.push(line);
    },
    preCommit(transaction) {
      writeFileSync(join(dir, `.${transaction.id}`), transaction.lines.map((l) => `${l}\n`).join(''));
      if (subtask === 0 && ++preCommits === failures.preCommitExitAt) exitOnce(0);
    },
    commit(transaction) {
      if (subtask === 0 && ++commits === failures.commitExitAt) exitOnce(1);
      const hidden = join(dir, `.${transaction.id}`);
      if (existsSync(hidden)) renameSync(hidden, join(dir, transaction.id));
    },
    abort(transaction) {
      rmSync(join(dir, `.${transaction.id}`), { force: true });
    },
  };
}
