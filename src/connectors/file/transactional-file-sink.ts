/**
 * An exactly-once file sink on the two-phase-commit base. Each transaction is a hidden file
 * `.part-<subtask>-<token>-<n>.inprogress` in the output directory; pre-commit flushes and fsyncs
 * it, commit renames it to `part-<subtask>-<token>-<n>` (then fsyncs the directory), abort deletes
 * it. Readers that skip dot-files only ever see committed files, and after any sequence of failures
 * the committed lines are those of a run without failures. Empty transactions leave no file.
 *
 * Lingering transactions: a failed attempt may leave pre-committed files of checkpoints that never
 * completed after the one restored (two checkpoints in a row aborted, or none completed at all);
 * no state names them. A restoring subtask deletes the in-progress files of earlier attempts whose
 * subtask index k it owns (k mod parallelism, as the restore plan deals sink states), after it
 * committed the ones its state names: no other subtask commits or writes those files.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { renderRecord } from '../../errors.ts';
import type { OperatorFactory } from '../../operators/operator.ts';
import { randomHex } from '../../util/lazy-builtins.ts';
import { type TwoPhaseCommitFunctions, twoPhaseCommitSink } from '../sink/two-phase-commit-sink.ts';

/** A transaction: its files' names (plain data, stored in checkpoints). */
interface FileTransaction {
  readonly pending: string;
  readonly final: string;
}

const FLUSH_CHARS = 64 * 1024;

/** Lines (strings as they are, other records as JSON) written exactly once into `dir`. */
export function transactionalFileSink(dir: string): OperatorFactory {
  return (context, output) => twoPhaseCommitSink(fileTransactions(dir))(context, output);
}

/** The transaction functions of one subtask. */
function fileTransactions(dir: string): TwoPhaseCommitFunctions<FileTransaction, unknown> {
  // Open files of this subtask's transactions (not state: rebuilt after a restore).
  const open = new Map<string, { fd: number; buffer: string; lines: number }>();
  let sequence = 0;
  // A token per subtask instance keeps names of new transactions apart from earlier attempts'.
  const token = randomHex(4);
  const flush = (file: { fd: number; buffer: string }): void => {
    if (file.buffer.length === 0) return;
    writeSync(file.fd, file.buffer);
    file.buffer = '';
  };
  const fsyncDir = (): void => {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  return {
    beginTransaction(context) {
      mkdirSync(dir, { recursive: true });
      const name = `part-${context.subtaskIndex}-${token}-${sequence++}`;
      const txn = { pending: join(dir, `.${name}.inprogress`), final: join(dir, name) };
      open.set(txn.pending, { fd: -1, buffer: '', lines: 0 });
      return txn;
    },
    write(txn, record) {
      const file = open.get(txn.pending)!;
      file.buffer += `${typeof record === 'string' ? record : renderRecord(record, Number.MAX_SAFE_INTEGER)}\n`;
      file.lines++;
      if (file.buffer.length >= FLUSH_CHARS) {
        if (file.fd < 0) file.fd = openSync(txn.pending, 'w');
        flush(file);
      }
    },
    preCommit(txn) {
      const file = open.get(txn.pending);
      if (!file) return;
      if (file.lines > 0) {
        if (file.fd < 0) file.fd = openSync(txn.pending, 'w');
        flush(file);
        fsyncSync(file.fd);
      }
      if (file.fd >= 0) closeSync(file.fd);
      open.delete(txn.pending);
    },
    commit(txn) {
      // Idempotent: a missing pending file means it was committed already (or held no lines).
      if (!existsSync(txn.pending)) return;
      renameSync(txn.pending, txn.final);
      fsyncDir();
    },
    abort(txn) {
      const file = open.get(txn.pending);
      if (file && file.fd >= 0) closeSync(file.fd);
      open.delete(txn.pending);
      rmSync(txn.pending, { force: true });
    },
    abortLingering(context) {
      for (const name of lingeringFiles(dir, context.subtaskIndex, context.parallelism, token))
        rmSync(join(dir, name), { force: true });
    },
  };
}

const IN_PROGRESS = /^\.part-(\d+)-([0-9a-f]+)-\d+\.inprogress$/;

/** In-progress files of other subtask instances whose index maps onto `subtask` at `parallelism`. */
export function lingeringFiles(
  dir: string,
  subtask: number,
  parallelism: number,
  ownToken: string,
): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // no directory yet: nothing lingers
  }
  return names.filter((name) => {
    const match = IN_PROGRESS.exec(name);
    return match !== null && Number(match[1]) % parallelism === subtask && match[2] !== ownToken;
  });
}
