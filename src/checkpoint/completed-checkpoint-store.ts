/**
 * The completed checkpoints the coordinator keeps (Flink's `CompletedCheckpointStore`), and
 * retention: the newest `retained` checkpoints are kept; older ones retire, and a retired one is
 * deleted only once nothing still needs its files, neither a retained checkpoint nor a pending one
 * (a checkpoint can reuse an earlier checkpoint's file through a `../chk-<m>/` handle). Savepoints
 * are self-contained, never retire and never count towards `retained`.
 *
 * Thread: the main thread (owned by the coordinator). This holds no I/O: the coordinator deletes
 * what {@link CompletedCheckpointStore.takeReleasable} hands it.
 */
import type { CompletedCheckpoint } from './storage/checkpoint-storage.ts';
import { allHandles } from './storage/metadata.ts';
import { ownerOf } from './storage/state-handle.ts';

/** Completed checkpoints and savepoints, with retention. */
export class CompletedCheckpointStore {
  readonly #retainedCount: number;
  /** Retained checkpoints, oldest first. */
  #retained: CompletedCheckpoint[] = [];
  #savepoints: CompletedCheckpoint[] = [];
  /** Checkpoints past retention, waiting until nothing references them; with the id that retired each. */
  #retired: Array<{ readonly checkpoint: CompletedCheckpoint; readonly retiredBy: number }> = [];
  readonly #grace: boolean;

  /**
   * `incremental`: a retired checkpoint is also kept until a checkpoint newer than the one that
   * retired it has completed. A subtask bases an incremental snapshot on the latest completed
   * checkpoint it has been notified of; the notification of checkpoint n may reach it only after
   * it snapshotted n + 1, which then still references files of n − 1 that nothing else needs.
   */
  constructor(retained: number, options: { readonly incremental?: boolean } = {}) {
    this.#retainedCount = retained;
    this.#grace = options.incremental ?? false;
  }

  /** Adds a completed checkpoint or savepoint; checkpoints beyond `retained` retire. */
  add(checkpoint: CompletedCheckpoint): void {
    if (checkpoint.savepoint) {
      this.#savepoints.push(checkpoint);
      return;
    }
    this.#retained.push(checkpoint);
    this.#retained.sort((a, b) => a.checkpointId - b.checkpointId);
    while (this.#retained.length > this.#retainedCount)
      this.#retired.push({ checkpoint: this.#retained.shift()!, retiredBy: checkpoint.checkpointId });
  }

  /** The newest completed checkpoint or savepoint: what a restart restores from. */
  latest(): CompletedCheckpoint | undefined {
    let newest: CompletedCheckpoint | undefined;
    for (const c of [...this.#retained, ...this.#savepoints])
      if (newest === undefined || c.checkpointId > newest.checkpointId) newest = c;
    return newest;
  }

  /** Retained checkpoints, oldest first. */
  retained(): readonly CompletedCheckpoint[] {
    return [...this.#retained];
  }

  /** Savepoints taken by this coordinator, oldest first. */
  savepoints(): readonly CompletedCheckpoint[] {
    return [...this.#savepoints];
  }

  /** Retired checkpoints not deleted yet. */
  retired(): readonly CompletedCheckpoint[] {
    return this.#retired.map((r) => r.checkpoint);
  }

  /**
   * Removes and returns the retired checkpoints that may be deleted now: those referenced neither
   * by a retained checkpoint nor by `pinned` (ids referenced by pending checkpoints).
   */
  takeReleasable(pinned: ReadonlySet<number>): CompletedCheckpoint[] {
    if (this.#retired.length === 0) return [];
    const needed = new Set(pinned);
    for (const c of this.#retained)
      for (const h of allHandles(c.metadata)) needed.add(ownerOf(h, c.checkpointId));
    const newest = this.#retained.at(-1)?.checkpointId ?? 0;
    const keep = (r: { checkpoint: CompletedCheckpoint; retiredBy: number }): boolean =>
      needed.has(r.checkpoint.checkpointId) || (this.#grace && newest <= r.retiredBy);
    const releasable = this.#retired.filter((r) => !keep(r)).map((r) => r.checkpoint);
    this.#retired = this.#retired.filter(keep);
    return releasable;
  }
}
