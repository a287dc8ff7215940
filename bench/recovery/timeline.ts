/**
 * The moments of one failure and restore, as wall times (ms since the epoch) from both sides: the
 * main thread's job events (status changes, the `restored` event, which also announces the new
 * attempt to the workers through the probe) and the workers' stamps in shared memory (the failure,
 * and for each keyed subtask the time its new worker had built the job module and the time of its
 * first record; the source's first record). `phases` turns them into consecutive durations from
 * the failure, along the keyed subtask that recovered last.
 */
import type { JobClient } from '../../src/index.ts';
import type { Probe } from '../jobs-support/probe.ts';
import { wallNow } from '../jobs-support/wall-clock.ts';

/** Consecutive phases of a recovery, ms (detect + teardown + start + restore = total). */
export interface RecoveryPhases {
  /** Failure thrown → the job master marks the job `failing`. */
  readonly detectMs: number;
  /** `failing` → the restart is deployed (`restored` event): every old thread gone, back-off 0. */
  readonly teardownMs: number;
  /** `restored` → the last-recovering keyed subtask's new worker had imported and built the job module. */
  readonly startMs: number;
  /**
   * Its worker built → its first record: job graph and operator chain built, state read, verified,
   * decoded and installed, then the first record from the (restarted) source.
   */
  readonly restoreMs: number;
  /** Failure → every keyed subtask processed its first record: the recovery time. */
  readonly totalMs: number;
  /** Failure → the first keyed subtask's first record. */
  readonly firstRecordMs: number;
  /** Failure → the source's first record of the new attempt. */
  readonly sourceFirstRecordMs: number;
}

export class Timeline {
  readonly #probe: Probe;
  readonly #status = new Map<string, number>();
  #restoredAt = Number.NaN;

  /** Starts listening to `client`'s events; the probe learns every new attempt. */
  constructor(client: JobClient, probe: Probe) {
    this.#probe = probe;
    client.on('status', (_from, to) => this.#status.set(to, wallNow()));
    client.on('restored', (_checkpoint, attempt) => {
      probe.announceAttempt(attempt);
      this.#restoredAt = wallNow();
    });
  }

  /** Whether every keyed subtask has processed a record in `attempt`. */
  recovered(attempt: number): boolean {
    for (let s = 0; s < this.#probe.subtasks; s++)
      if (this.#probe.firstRecordAt(s, attempt) === undefined) return false;
    return true;
  }

  /** The phases of the restore into `attempt` (call once it has recovered). */
  phases(attempt: number): RecoveryPhases {
    const probe = this.#probe;
    const failedAt = probe.failedAt;
    const failing = this.#status.get('failing') ?? Number.NaN;
    const subtasks = Array.from({ length: probe.subtasks }, (_, s) => ({
      first: probe.firstRecordAt(s, attempt) ?? Number.NaN,
      built: probe.builtAt(s, attempt) ?? Number.NaN,
    }));
    const last = subtasks.reduce((a, b) => (b.first > a.first ? b : a));
    return {
      detectMs: failing - failedAt,
      teardownMs: this.#restoredAt - failing,
      startMs: last.built - this.#restoredAt,
      restoreMs: last.first - last.built,
      totalMs: last.first - failedAt,
      firstRecordMs: Math.min(...subtasks.map((s) => s.first)) - failedAt,
      sourceFirstRecordMs: (probe.sourceFirstRecordAt(attempt) ?? Number.NaN) - failedAt,
    };
  }
}
