/**
 * weir's error classes. Every error a user can see is a {@link WeirError} with a stable `code`
 * (tests and callers match on the code, never on the message) and a `classification` that tells a
 * restart strategy or a user whether the cause is user code, bad configuration, the outside world
 * or weir itself. Values thrown by user code are normalised once, by {@link toError}.
 */

/** Where a failure comes from; restart strategies and users decide on this, not on messages. */
export type ErrorClassification = 'user' | 'configuration' | 'external' | 'internal';

/** Stable codes of every weir error. */
export type WeirErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_JOB_GRAPH'
  | 'ERR_RECORD_ENCODE'
  | 'ERR_FRAME_TOO_LARGE'
  | 'ERR_CHANNEL_CLOSED'
  | 'ERR_CHANNEL_CORRUPT'
  | 'ERR_PARTITION_IO'
  | 'ERR_UNSAFE_DIRECTORY'
  | 'ERR_MISSING_DEPENDENCY'
  | 'ERR_CONNECTOR_UNAVAILABLE'
  | 'ERR_CONNECTOR_RECORD'
  | 'ERR_JOB_MODULE'
  | 'ERR_SOURCE_REPLAY'
  | 'ERR_USAGE'
  | 'ERR_USER_FUNCTION'
  | 'ERR_WORKER_EXITED'
  | 'ERR_JOB_CANCELLED'
  | 'ERR_STATE_ACCESS'
  | 'ERR_STATE_RESTORE'
  | 'ERR_CHECKPOINT_DECLINED'
  | 'ERR_CHECKPOINT_EXPIRED'
  | 'ERR_CHECKPOINT_STORAGE'
  | 'ERR_CHECKPOINT_CORRUPT'
  | 'ERR_CHECKPOINT_FAILURES_EXCEEDED'
  | 'ERR_RESUME_NOT_FOUND'
  | 'ERR_RESTARTS_EXHAUSTED'
  | 'ERR_ILLEGAL_STATE_TRANSITION'
  | 'ERR_INJECTED_FAILURE'
  | 'ERR_CHAOS_RUN'
  | 'ERR_INTERNAL';

/** Base class of every error weir raises. */
export class WeirError extends Error {
  /** Stable machine-readable code. */
  readonly code: WeirErrorCode;
  /** Who is to blame, for restart strategies and for users. */
  readonly classification: ErrorClassification;

  constructor(
    code: WeirErrorCode,
    classification: ErrorClassification,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.classification = classification;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** An option or argument has a value weir cannot accept; the message names the option. */
export class InvalidOptionError extends WeirError {
  /** The option's name, e.g. `parallelism` or `ringCapacity`. */
  readonly option: string;
  /** What the option accepts, e.g. `a positive integer`. */
  readonly expected: string;
  /** The value given. */
  readonly value: unknown;
  constructor(option: string, expected: string, got: unknown) {
    super('ERR_INVALID_OPTION', 'configuration', `${option} must be ${expected}, got ${describeValue(got)}`);
    this.option = option;
    this.expected = expected;
    this.value = got;
  }
}

/** A record that msgpack cannot encode (a function, a symbol, a cyclic object, ...). */
export class RecordEncodeError extends WeirError {
  /** The channel the record was written to. */
  readonly channel: string;
  /** The type of the offending value, e.g. `function`, `symbol`, `cyclic object`. */
  readonly valueType: string;
  constructor(channel: string, valueType: string, record: unknown, cause?: unknown) {
    const what =
      valueType === 'own __proto__ key'
        ? 'it has an own "__proto__" key, which msgpack would deliver renamed to "__proto_" (rename the field)'
        : `it holds a value of type ${valueType}`;
    super(
      'ERR_RECORD_ENCODE',
      'user',
      `cannot encode a record on channel ${channel}: ${what} (record: ${renderRecord(record)})`,
      { cause },
    );
    this.channel = channel;
    this.valueType = valueType;
  }
}

/** A single frame (one record, usually) does not fit into the ring; frames are never fragmented. */
export class FrameTooLargeError extends WeirError {
  readonly channel: string;
  readonly frameBytes: number;
  readonly maxFrameBytes: number;
  constructor(channel: string, frameBytes: number, maxFrameBytes: number) {
    super(
      'ERR_FRAME_TOO_LARGE',
      'configuration',
      `a frame of ${frameBytes} bytes on channel ${channel} exceeds the largest frame the ring accepts ` +
        `(${maxFrameBytes} bytes, half its capacity); raise ringCapacity or emit smaller records`,
    );
    this.channel = channel;
    this.frameBytes = frameBytes;
    this.maxFrameBytes = maxFrameBytes;
  }
}

/** A channel was used after it failed or was closed. */
export class ChannelClosedError extends WeirError {
  constructor(channel: string, why: string, cause?: unknown) {
    super('ERR_CHANNEL_CLOSED', 'internal', `channel ${channel} is closed: ${why}`, { cause });
  }
}

/** The bytes in a ring do not form a valid frame: a bug or memory corruption, never user error. */
export class ChannelCorruptError extends WeirError {
  constructor(channel: string, detail: string) {
    super('ERR_CHANNEL_CORRUPT', 'internal', `channel ${channel} holds an invalid frame: ${detail}`);
  }
}

/**
 * A blocking partition's file (a batch job run by stages) could not be created, written or read:
 * a full or unwritable disk, most often. Names the channel and the file.
 */
export class PartitionIoError extends WeirError {
  /** The partition file. */
  readonly path: string;
  constructor(channel: string, path: string, what: string, cause: unknown) {
    super(
      'ERR_PARTITION_IO',
      'external',
      `blocking partition of channel ${channel}: ${what} ${path} failed (${(cause as Error)?.message ?? String(cause)}); ` +
        'check the space and permissions of partitionDirectory',
      { cause },
    );
    this.path = path;
  }
}

/**
 * A directory weir keeps code or state in (the worker-bundle cache, the embedded backend's working
 * directories) is not private to this user: owned by another user, writable by others, or not a
 * plain directory. weir refuses to use it, since anything another user plants there would run or
 * be read as this user's.
 */
export class UnsafeDirectoryError extends WeirError {
  /** The directory refused. */
  readonly path: string;
  constructor(path: string, purpose: string, problem: string, remedy: string) {
    super(
      'ERR_UNSAFE_DIRECTORY',
      'configuration',
      `refusing to use ${path} as ${purpose}: ${problem}; ${remedy}`,
    );
    this.path = path;
  }
}

/**
 * An optional package that a feature needs is not installed (tsx for TypeScript job files, lmdb for
 * the embedded state backend). Names the package and the command that installs it.
 */
export class MissingDependencyError extends WeirError {
  /** The npm package to install. */
  readonly packageName: string;
  constructor(packageName: string, feature: string, cause?: unknown) {
    super(
      'ERR_MISSING_DEPENDENCY',
      'configuration',
      `${feature} needs the package "${packageName}", which is not installed: run npm install ${packageName}`,
      { cause },
    );
    this.packageName = packageName;
  }
}

/**
 * A job module cannot be loaded: the file is missing, has a syntax error, or is TypeScript that no
 * loader can read. Names the file (and the line, for a syntax error) and what to do.
 */
export class JobModuleError extends WeirError {
  /** The job module's path or URL. */
  readonly module: string;
  constructor(module: string, problem: string, options?: { cause?: unknown }) {
    super('ERR_JOB_MODULE', 'configuration', `job module ${module}: ${problem}`, options);
    this.module = module;
  }
}

/** Normalises anything user code may throw into an `Error`. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(`non-error value thrown: ${describeValue(thrown)}`);
}

/** A short, safe rendering of a value for error messages (never throws, never huge). */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  return renderRecord(value);
}

/** Renders a record for an error message: JSON where possible, cut to 120 characters. */
export function renderRecord(record: unknown, limit = 120): string {
  let text: string;
  try {
    const seen = new WeakSet<object>();
    text =
      JSON.stringify(record, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (typeof v === 'function') return '[function]';
        if (typeof v === 'symbol') return v.toString();
        if (typeof v === 'object' && v !== null) {
          if (seen.has(v)) return '[cycle]';
          seen.add(v);
        }
        return v;
      }) ?? String(record);
  } catch {
    text = Object.prototype.toString.call(record);
  }
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

/**
 * A source cannot replay what a restore needs: `fromIterable` given a one-shot iterator that a
 * restart would find exhausted, or an iterable that yields fewer elements on replay than the
 * checkpoint had consumed. Configuration, not a transient failure: restarting cannot fix it.
 */
export class SourceReplayError extends WeirError {
  constructor(message: string) {
    super('ERR_SOURCE_REPLAY', 'configuration', message);
  }
}
