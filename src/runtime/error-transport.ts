/**
 * Errors crossing the thread boundary. Structured clone keeps only an error's message and stack,
 * so subtasks send errors as plain data and the job master rebuilds weir's typed errors from it,
 * keeping code, classification and the operator fields.
 */
import { type ErrorClassification, toError, WeirError, type WeirErrorCode } from '../errors.ts';
import { UserFunctionError } from '../operators/user-function-error.ts';

/** An error as plain data. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: WeirErrorCode | undefined;
  readonly classification: ErrorClassification | undefined;
  readonly fields: Readonly<Record<string, string | number>>;
  readonly cause: SerializedError | undefined;
}

const FIELDS = [
  'operatorName',
  'operatorUid',
  'subtaskIndex',
  'record',
  'channel',
  'valueType',
  'option',
  'path',
  'operation',
  'systemCode',
  'file',
  'connector',
  'address',
] as const;

export function serializeError(error: unknown, depth = 0): SerializedError {
  const e = toError(error);
  const fields: Record<string, string | number> = {};
  for (const f of FIELDS) {
    const v = (e as unknown as Record<string, unknown>)[f];
    if (typeof v === 'string' || typeof v === 'number') fields[f] = v;
  }
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    code: e instanceof WeirError ? e.code : undefined,
    classification: e instanceof WeirError ? e.classification : undefined,
    fields,
    cause: e.cause !== undefined && depth < 3 ? serializeError(e.cause, depth + 1) : undefined,
  };
}

/** A weir error of a kind the main thread has no class for; same code, message and fields. */
export class RemoteWeirError extends WeirError {
  readonly remoteName: string;
  constructor(s: SerializedError, cause: Error | undefined) {
    super(s.code ?? 'ERR_INTERNAL', s.classification ?? 'internal', s.message, { cause });
    this.remoteName = s.name;
    Object.assign(this, s.fields);
  }
}

export function deserializeError(s: SerializedError): Error {
  const cause = s.cause ? deserializeError(s.cause) : undefined;
  let error: Error;
  if (s.code === 'ERR_USER_FUNCTION' && typeof s.fields['operatorUid'] === 'string') {
    error = new UserFunctionError(
      {
        operatorName: String(s.fields['operatorName']),
        operatorUid: String(s.fields['operatorUid']),
        subtaskIndex: Number(s.fields['subtaskIndex']),
      },
      String(s.fields['record']),
      cause ?? new Error(s.message),
    );
    Object.defineProperty(error, 'message', { value: s.message });
  } else if (s.code !== undefined) {
    error = new RemoteWeirError(s, cause);
  } else {
    error = new Error(s.message, cause ? { cause } : undefined);
    Object.defineProperty(error, 'name', { value: s.name });
  }
  if (s.stack) Object.defineProperty(error, 'stack', { value: s.stack });
  return error;
}
