/**
 * A state registered in an embedded backend: its name, kind, the id that prefixes its rows (see
 * `row-key.ts`), and when each owned key group of it was last written, for incremental snapshots.
 *
 * Thread: the owning subtask's worker thread.
 */
import type { StateKind } from '../state-descriptor.ts';

/** One registered state. */
export interface RegisteredState {
  readonly name: string;
  readonly kind: StateKind;
  /** The row-key id of the state, unique in its backend. */
  readonly id: number;
  /**
   * Per owned key group (minus the first owned one): the backend's snapshot count when the state's
   * rows in that key group were last written. Unchanged since snapshot `s` iff `written[g] <= s`.
   */
  readonly written: number[];
}

/** The snapshot count of a backend, stamped on every write (see {@link RegisteredState.written}). */
export class SnapshotCounter {
  /**
   * Snapshots captured so far, plus one: snapshot `s` is captured while this is `s`, then it
   * becomes `s + 1`, so a write after the capture stamps a number above `s`.
   */
  snapshots = 1;
}
