/**
 * A {@link Sender} for the message-passing peers: collects records into batches of `batchRecords`
 * (1 for one record per message), ships a batch when it is full or when it has waited the flush
 * timeout (the same rule as weir's ChannelWriter), and waits for credits when the window is spent.
 *
 * Thread: the producer.
 */
import { DEFAULT_FLUSH_TIMEOUT_MS } from '../../src/channel/channel-writer.ts';
import type { Credits } from './credits.ts';
import type { Sender } from './peer.ts';
import type { BenchRecord } from './records.ts';

export interface BatchingSenderOptions {
  readonly batchRecords: number;
  readonly credits: Credits;
  /** Hands a full or flushed batch to the transport; the batch is not reused afterwards. */
  readonly ship: (batch: BenchRecord[]) => void;
  /** Ends the stream once the last batch has been shipped. */
  readonly end: () => Promise<void>;
}

export class BatchingSender implements Sender {
  readonly #options: BatchingSenderOptions;
  #batch: BenchRecord[] = [];
  #startedAt = 0;
  #flushTimeoutMs = DEFAULT_FLUSH_TIMEOUT_MS;

  constructor(options: BatchingSenderOptions) {
    this.#options = options;
  }

  begin(flushTimeoutMs: number): void {
    this.#flushTimeoutMs = flushTimeoutMs;
  }

  send(record: BenchRecord): Promise<void> | undefined {
    const batch = this.#batch;
    batch.push(record);
    if (batch.length >= this.#options.batchRecords) return this.flush();
    if (batch.length === 1) this.#startedAt = performance.now();
    return undefined;
  }

  flushIfDue(now: number): number {
    if (this.#batch.length === 0) return Number.POSITIVE_INFINITY;
    const deadline = this.#startedAt + this.#flushTimeoutMs;
    if (now < deadline) return deadline;
    void this.flush();
    return Number.POSITIVE_INFINITY;
  }

  flush(): Promise<void> | undefined {
    const batch = this.#batch;
    if (batch.length !== 0) {
      this.#batch = [];
      this.#options.credits.spend(batch.length);
      this.#options.ship(batch);
    }
    return this.#options.credits.wait();
  }

  async close(): Promise<void> {
    this.flush();
    await this.#options.end();
  }
}
