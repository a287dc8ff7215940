/**
 * Options of starting a job, and its `signal`, taken as Node.js APIs take one: validated at the
 * boundary, an already aborted signal rejects before anything starts, a later abort cancels the job.
 */
import { InvalidOptionError } from '../errors.ts';
import { JobAbortedError } from '../job/errors.ts';

/** Options of `env.execute()` and `env.executeAsync()`. */
export interface ExecuteOptions {
  /**
   * Cancels the job when it aborts; the result then rejects with a `JobAbortedError` (name
   * `AbortError`, code `ERR_JOB_CANCELLED`, the signal's reason as `cause`). An already aborted
   * signal rejects at once, before anything starts.
   */
  readonly signal?: AbortSignal | undefined;
}

/** Throws unless `signal` is absent or an `AbortSignal`; throws {@link JobAbortedError} if it is aborted. */
export function checkSignal(signal: unknown, jobName: string): asserts signal is AbortSignal | undefined {
  if (signal === undefined) return;
  if (!(signal instanceof AbortSignal)) throw new InvalidOptionError('signal', 'an AbortSignal', signal);
  if (signal.aborted) throw new JobAbortedError(jobName, signal.reason);
}

/**
 * Calls `abort` with the signal's reason once `signal` aborts, until the returned function is
 * called (the job ended).
 */
export function onAbort(signal: AbortSignal | undefined, abort: (reason: unknown) => void): () => void {
  if (signal === undefined) return () => {};
  const listener = (): void => abort(signal.reason);
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
