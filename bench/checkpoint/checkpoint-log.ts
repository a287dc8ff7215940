/**
 * Collects every checkpoint a job completes or fails during a measurement window, with the
 * per-subtask figures of its acknowledgements, from the job client's statistics. The client keeps
 * only the last 10 checkpoints in its history, so the log reads the history at every completed
 * checkpoint (the `checkpoint` event) and once more when the window closes.
 *
 * Thread: the main thread.
 */
import type { CheckpointStatsRecord, JobClient } from '../../src/index.ts';

export class CheckpointLog {
  readonly #client: JobClient;
  /** Checkpoints triggered before this wall time are not the window's. */
  readonly #since: number;
  readonly #completed = new Map<number, CheckpointStatsRecord>();
  readonly #failed = new Map<number, CheckpointStatsRecord>();
  readonly #off: () => void;
  #closed = false;

  /** Starts logging checkpoints triggered from now on. */
  constructor(client: JobClient) {
    this.#client = client;
    this.#since = Date.now();
    this.#off = client.on('checkpoint', () => this.#read());
  }

  /** Stops logging; returns what the window saw, in checkpoint order. */
  close(): { completed: CheckpointStatsRecord[]; failed: CheckpointStatsRecord[] } {
    if (!this.#closed) {
      this.#read();
      this.#off();
      this.#closed = true;
    }
    const byId = (a: CheckpointStatsRecord, b: CheckpointStatsRecord): number =>
      a.checkpointId - b.checkpointId;
    return {
      completed: [...this.#completed.values()].sort(byId),
      failed: [...this.#failed.values()].sort(byId),
    };
  }

  #read(): void {
    if (this.#closed) return;
    for (const record of this.#client.checkpointStats().history) {
      if (record.triggerTimestamp < this.#since) continue;
      if (record.status === 'completed') this.#completed.set(record.checkpointId, record);
      else if (record.status === 'failed') this.#failed.set(record.checkpointId, record);
    }
  }
}
