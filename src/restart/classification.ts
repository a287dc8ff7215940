/**
 * How a failure's classification decides whether it is retried. Every weir error carries a
 * `classification` (`user`, `configuration`, `external`, `internal`; see `WeirError`). Restarting
 * cannot repair a configuration error (the same options would fail the same way), so such a failure
 * fails the job at once, whatever the restart strategy. So does a failure that says the job must
 * stop (cancelled, restarts exhausted). Everything else is restartable: user code may fail on one
 * record only, the outside world recovers, and internal errors are often transient (a worker killed
 * by the OS). The whole `cause` chain is inspected, so wrapping (a worker exit caused by an invalid
 * option) does not hide the reason.
 */
import { type ErrorClassification, WeirError, type WeirErrorCode } from '../errors.ts';

/** Codes that mean "stop", never "retry". */
const STOP_CODES: ReadonlySet<WeirErrorCode> = new Set(['ERR_JOB_CANCELLED', 'ERR_RESTARTS_EXHAUSTED']);

/** Longest cause chain inspected (guards against cycles). */
const MAX_CAUSE_DEPTH = 16;

/**
 * The classification of a failure: that of the outermost `WeirError` in its cause chain, or
 * `internal` for an error weir did not classify (user code's errors are wrapped and classified
 * `user` where they are caught, so an unclassified error reaching the job master is weir's).
 */
export function classifyFailure(error: unknown): ErrorClassification {
  for (let e = error, depth = 0; e != null && depth < MAX_CAUSE_DEPTH; e = causeOf(e), depth++) {
    if (e instanceof WeirError) return e.classification;
  }
  return 'internal';
}

/** Whether a restart might help: no error in the cause chain is `configuration` or a stop code. */
export function isRestartable(error: unknown): boolean {
  for (let e = error, depth = 0; e != null && depth < MAX_CAUSE_DEPTH; e = causeOf(e), depth++) {
    if (e instanceof WeirError && (e.classification === 'configuration' || STOP_CODES.has(e.code))) {
      return false;
    }
  }
  return true;
}

function causeOf(e: unknown): unknown {
  return e instanceof Error ? e.cause : undefined;
}
