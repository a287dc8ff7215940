/**
 * Errors of the keyed-state subsystem. Two classes, one per reserved code: a
 * {@link StateAccessError} (`ERR_STATE_ACCESS`) is raised while a running operator uses state (a key
 * that cannot be a key, no current key, a state name reused with another kind, a key outside the
 * subtask's key groups, a value a snapshot cannot encode); a {@link StateRestoreError}
 * (`ERR_STATE_RESTORE`) is raised while state is read back from a snapshot. Each carries a `reason`
 * from a closed set, so that callers and tests match on the reason, never on the message.
 */
import { type ErrorClassification, WeirError } from '../errors.ts';

/** Why a state access failed. */
export type StateAccessReason =
  /** The key is of a type that cannot be a key (undefined, a function, a symbol, a class instance). */
  | 'invalid-key'
  /** State was read or written before `setCurrentKey`. */
  | 'no-current-key'
  /** A state name was declared again with another kind (value, list, map, ...). */
  | 'kind-conflict'
  /** The key (or key group) belongs to another subtask: routing and hashing disagree. */
  | 'key-group-not-owned'
  /** The backend was disposed. */
  | 'disposed'
  /** A snapshot met a state value msgpack cannot encode (a function, a symbol, a cycle). */
  | 'unencodable-value'
  /** A snapshot was encoded twice, or used after it was released. */
  | 'snapshot-released';

const ACCESS_CLASSIFICATION: Record<StateAccessReason, ErrorClassification> = {
  'invalid-key': 'user',
  'no-current-key': 'internal',
  'kind-conflict': 'user',
  'key-group-not-owned': 'internal',
  disposed: 'internal',
  'unencodable-value': 'user',
  'snapshot-released': 'internal',
};

/** A keyed state could not be used as asked; `reason` says why. */
export class StateAccessError extends WeirError {
  /** Why the access failed. */
  readonly reason: StateAccessReason;

  constructor(reason: StateAccessReason, message: string, options?: { cause?: unknown }) {
    super('ERR_STATE_ACCESS', ACCESS_CLASSIFICATION[reason], message, options);
    this.reason = reason;
  }
}

/**
 * A value cannot be a key: undefined, a function, a symbol, or an object that is neither an array
 * nor a plain object (anywhere inside an array or object key, too).
 */
export class InvalidKeyError extends StateAccessError {
  /** The offending value's type, e.g. `undefined`, `function`, `symbol`, `Date`. */
  readonly keyType: string;
  /** Where the offending value sits inside the key, e.g. `[1].user`; empty for the key itself. */
  readonly path: string;

  constructor(keyType: string, path: string) {
    const where = path === '' ? 'a key' : `the key's element at ${path}`;
    super(
      'invalid-key',
      `${where} cannot be of type ${keyType}: keys are strings, numbers, booleans, bigints, null, ` +
        'and arrays or plain objects of those',
    );
    this.keyType = keyType;
    this.path = path;
  }
}

/** Why restoring keyed state failed. */
export type StateRestoreReason =
  /** The bytes are not a key-group snapshot, or fail their checksum or structure checks. */
  | 'corrupt'
  /** The bytes were written by a newer, unknown format version. */
  | 'unsupported-version'
  /** A key group lies outside the backend's key-group range (the caller must filter). */
  | 'key-group-not-owned'
  /** A key group was restored twice, or into a backend that already holds its state. */
  | 'duplicate-key-group'
  /** A snapshot declares a state under a name already used by a state of another kind. */
  | 'kind-conflict'
  /** The snapshot was written with another max parallelism: its key groups mean other keys. */
  | 'max-parallelism-mismatch';

const RESTORE_CLASSIFICATION: Record<StateRestoreReason, ErrorClassification> = {
  corrupt: 'external',
  'unsupported-version': 'configuration',
  'key-group-not-owned': 'internal',
  'duplicate-key-group': 'internal',
  'kind-conflict': 'user',
  'max-parallelism-mismatch': 'configuration',
};

/** Keyed state could not be restored from a snapshot; `reason` says why. */
export class StateRestoreError extends WeirError {
  /** Why the restore failed. */
  readonly reason: StateRestoreReason;
  /** The key group being restored, or -1 when the failure is not about one key group. */
  readonly keyGroup: number;

  constructor(reason: StateRestoreReason, keyGroup: number, message: string, options?: { cause?: unknown }) {
    const where = keyGroup >= 0 ? `key group ${keyGroup}: ` : '';
    super('ERR_STATE_RESTORE', RESTORE_CLASSIFICATION[reason], `${where}${message}`, options);
    this.reason = reason;
    this.keyGroup = keyGroup;
  }
}

/**
 * Restored operator state (a source's splits) is not of the shape the operator writes: a
 * hand-edited or foreign checkpoint whose checksums were made to match. Names the operator and
 * the file the state came from.
 */
export class RestoredStateShapeError extends StateRestoreError {
  /** The operator whose state it is. */
  readonly operatorUid: string;
  /** The file the state was read from (`_metadata` for state kept inline). */
  readonly file: string;

  constructor(operatorUid: string, file: string, problem: string) {
    super('corrupt', -1, `operator ${operatorUid}: its state in ${file} is not what it writes: ${problem}`);
    this.operatorUid = operatorUid;
    this.file = file;
  }
}
