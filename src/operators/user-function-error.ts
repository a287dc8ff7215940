/**
 * The errors a job fails with when a user function throws, or a record's key cannot be extracted:
 * they name the operator (name and uid), the subtask and the record, and keep the original error as
 * their cause.
 */

import { renderRecord, toError, WeirError } from '../errors.ts';
import type { RuntimeContext } from './functions.ts';

/** A record whose key cannot be extracted. */
export class KeyExtractionError extends WeirError {
  /** What is wrong, without the record (`keyBy field "k" is missing`). */
  readonly reason: string;

  constructor(reason: string, record: unknown) {
    super('ERR_USER_FUNCTION', 'user', `${reason} from record ${renderRecord(record)}`);
    this.reason = reason;
  }
}

/** A user function threw while processing a record. */
export class UserFunctionError extends WeirError {
  readonly operatorName: string;
  readonly operatorUid: string;
  readonly subtaskIndex: number;
  /** A short rendering of the record being processed (JSON, cut to 120 characters). */
  readonly record: string;

  constructor(
    where: { operatorName: string; operatorUid: string; subtaskIndex: number },
    record: string,
    cause: Error,
  ) {
    super(
      'ERR_USER_FUNCTION',
      'user',
      `operator "${where.operatorName}" (uid ${where.operatorUid}, subtask ${where.subtaskIndex}) failed on record ${record}: ${cause instanceof KeyExtractionError ? cause.reason : cause.message}`,
      { cause },
    );
    this.operatorName = where.operatorName;
    this.operatorUid = where.operatorUid;
    this.subtaskIndex = where.subtaskIndex;
    this.record = record;
  }
}

/**
 * Wraps what a user function threw while handling `record` (already wrapped errors pass through;
 * a key selector's own error is wrapped, as the operator it belongs to is only known here).
 */
export function userFunctionError(context: RuntimeContext, record: unknown, thrown: unknown): Error {
  if (thrown instanceof WeirError && !(thrown instanceof KeyExtractionError)) return thrown;
  return new UserFunctionError(context, renderRecord(record), toError(thrown));
}
