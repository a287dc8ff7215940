/**
 * Caps a source subtask at a number of records per second: each poll may emit what the elapsed
 * time allows, and when nothing is allowed yet the poll returns how long to wait, so the task loop
 * sleeps (staying responsive) instead of spinning.
 */
import type { Collector } from '../../operators/functions.ts';
import type { SourceReader } from '../../operators/operator.ts';

export class RateLimitedReader implements SourceReader {
  readonly #inner: SourceReader;
  readonly #perMs: number;
  #startedAt = -1;
  #emitted = 0;
  readonly #counting: Collector<unknown>;
  #out: Collector<unknown> | undefined;

  /** `ratePerSecond` is this subtask's share. */
  constructor(inner: SourceReader, ratePerSecond: number) {
    this.#inner = inner;
    this.#perMs = ratePerSecond / 1000;
    this.#counting = {
      collect: (record) => {
        this.#emitted++;
        this.#out!.collect(record);
      },
    };
  }

  poll(out: Collector<unknown>, max: number): number {
    const now = performance.now();
    if (this.#startedAt < 0) this.#startedAt = now;
    const due = (now - this.#startedAt) * this.#perMs;
    const allowed = Math.floor(due) + 1 - this.#emitted;
    if (allowed <= 0) return Math.max(1, Math.ceil((this.#emitted - due) / this.#perMs));
    this.#out = out;
    return this.#inner.poll(this.#counting, Math.min(max, allowed));
  }

  snapshotSplits(checkpointId?: number): unknown[] {
    return this.#inner.snapshotSplits(checkpointId);
  }

  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return this.#inner.notifyCheckpointComplete?.(checkpointId);
  }

  restoreSplits(splits: readonly unknown[]): void {
    this.#inner.restoreSplits(splits);
  }

  close(): void {
    this.#inner.close?.();
  }
}
