/**
 * Errors of the checkpoint subsystem. A checkpoint that does not complete is an outcome (a value),
 * not an exception; its {@link CheckpointFailedError} says why. Storage operations that fail throw
 * a {@link CheckpointStorageError} (I/O) or a {@link CheckpointCorruptError} (bytes that are not
 * what the metadata promised), each naming the file. Too many consecutive checkpoint failures fail
 * the job with a {@link CheckpointFailuresExceededError} that carries the last cause.
 */
import { type ErrorClassification, WeirError } from '../errors.ts';
import { type CheckpointFailureReason, FAILURE_REASONS } from './failure-reason.ts';

/** Why a checkpoint did not complete (Flink's `CheckpointException`); code follows the reason. */
export class CheckpointFailedError extends WeirError {
  /** The checkpoint that failed; `undefined` for a request refused before it got an id. */
  readonly checkpointId: number | undefined;
  /** Why; see {@link FAILURE_REASONS}. */
  readonly reason: CheckpointFailureReason;

  constructor(
    checkpointId: number | undefined,
    reason: CheckpointFailureReason,
    options: { cause?: unknown; detail?: string; classification?: ErrorClassification } = {},
  ) {
    const info = FAILURE_REASONS[reason];
    // Without a detail, the cause's message says what happened (a declining task's storage error
    // names its path and system error code).
    const text = options.detail ?? (options.cause instanceof Error ? options.cause.message : undefined);
    const detail = text === undefined ? '' : `: ${text}`;
    super(
      info.code,
      options.classification ?? classificationOf(options.cause) ?? info.classification,
      `${checkpointId === undefined ? 'checkpoint request' : `checkpoint ${checkpointId}`} failed (${reason}): ` +
        `${info.description}${detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.checkpointId = checkpointId;
    this.reason = reason;
  }
}

/** An operation on checkpoint storage failed (disk full, permission denied, ...). */
export class CheckpointStorageError extends WeirError {
  /** The file or directory involved. */
  readonly path: string;
  /** What was being done, e.g. `write state file`, `commit metadata`. */
  readonly operation: string;

  /** The system error code of the cause (`EACCES`, `EPERM`, `ENOSPC`, ...), when it has one. */
  readonly systemCode: string | undefined;

  constructor(operation: string, path: string, cause?: unknown) {
    const code = (cause as { code?: unknown } | undefined)?.code;
    const systemCode = typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
    const message = cause instanceof Error ? cause.message : '';
    // Node's messages start with the code ("EACCES: permission denied, open ..."); say it once.
    const why =
      systemCode === undefined || message.startsWith(systemCode)
        ? message && `: ${message}`
        : `: ${systemCode}${message && ` (${message})`}`;
    super('ERR_CHECKPOINT_STORAGE', 'external', `checkpoint storage could not ${operation} ${path}${why}`, {
      cause,
    });
    this.path = path;
    this.operation = operation;
    this.systemCode = systemCode;
  }
}

/**
 * There is nothing to resume from at the path given (`resume.path`, `weir run --from`): it does
 * not exist, or it is a directory holding no checkpoint or savepoint. Not damage: a wrong path.
 */
export class ResumeStateNotFoundError extends WeirError {
  /** The path given. */
  readonly path: string;

  constructor(path: string, what: 'missing' | 'empty') {
    super(
      'ERR_RESUME_NOT_FOUND',
      'configuration',
      what === 'missing'
        ? `cannot resume: ${path} does not exist`
        : `cannot resume: ${path} holds no checkpoint or savepoint`,
    );
    this.path = path;
  }
}

/** How a checkpoint file (or inline state) differs from what its metadata promised. */
export type CorruptionProblem =
  | 'missing'
  | 'truncated'
  | 'size-mismatch'
  | 'checksum-mismatch'
  | 'invalid-format'
  | 'unsupported-version';

/** A checkpoint's metadata or state is missing or damaged; it is never returned as valid state. */
export class CheckpointCorruptError extends WeirError {
  /** The damaged file (absolute path), or a description of the inline state. */
  readonly file: string;
  /** What is wrong with it. */
  readonly problem: CorruptionProblem;

  constructor(file: string, problem: CorruptionProblem, detail: string, cause?: unknown) {
    super('ERR_CHECKPOINT_CORRUPT', 'external', `checkpoint file ${file} is ${problem}: ${detail}`, {
      cause,
    });
    this.file = file;
    this.problem = problem;
  }
}

/**
 * More consecutive checkpoints failed than the job tolerates; the job fails with this. Its
 * classification is the last failure's (usually `external`: storage, timeouts; `user` when a user
 * serializer made a snapshot fail), so a restart strategy can decide on it.
 */
export class CheckpointFailuresExceededError extends WeirError {
  /** The configured number of tolerable consecutive failures. */
  readonly tolerable: number;
  /** Consecutive counted failures when the limit was exceeded. */
  readonly consecutive: number;
  /** The last failure, also the `cause`. */
  readonly lastFailure: CheckpointFailedError;

  constructor(tolerable: number, consecutive: number, lastFailure: CheckpointFailedError) {
    super(
      'ERR_CHECKPOINT_FAILURES_EXCEEDED',
      lastFailure.classification,
      `${consecutive} consecutive checkpoints failed, more than the ${tolerable} tolerated ` +
        `(tolerableFailures); last: ${lastFailure.message}`,
      { cause: lastFailure },
    );
    this.tolerable = tolerable;
    this.consecutive = consecutive;
    this.lastFailure = lastFailure;
  }
}

function classificationOf(cause: unknown): ErrorClassification | undefined {
  return cause instanceof WeirError ? cause.classification : undefined;
}
