/**
 * A source reader over splits that are read from a server (Redis streams, NATS subjects, key
 * ranges of a table): the task loop polls synchronously, the client reads asynchronously. Fetches
 * run in the background, at most one at a time, each waiting on the server for a short while only
 * (a blocking read of ~100 ms), and fill a buffer that polls drain; a poll that finds the buffer
 * empty returns a short delay, so the loop stays free for barriers and cancellation however long
 * the server has nothing.
 *
 * Positions. Every fetched record carries the state of its split after it; the reader keeps two
 * positions per split: `emitted` (after the last record handed to the chain: what a checkpoint
 * stores) and `fetched` (after the last record fetched: where the next fetch starts). A restore
 * drops the buffer and any fetch in flight (by epoch) and starts from the restored positions.
 *
 * Assignment. The source declares union operator state: every subtask sees all splits' positions
 * after a restore and keeps those whose index in key order is its own modulo the parallelism, so
 * splits spread evenly at any parallelism.
 *
 * Thread: the source subtask's worker thread.
 */
import type { Collector } from '../../operators/functions.ts';
import { SOURCE_END, SOURCE_MORE, type SourceReader } from '../../operators/operator.ts';

/** What one fetch returns. */
export interface FetchResult<S> {
  /** Records in order, each with its split's state after it. */
  readonly records: ReadonlyArray<{ readonly record: unknown; readonly split: S }>;
  /** New states of splits that moved without records (a start position resolved, an end found). */
  readonly positions?: readonly S[];
  /** Keys of splits with nothing more to read (bounded reads), once their records are emitted. */
  readonly ended?: readonly string[];
}

/** A connector's reading side. */
export interface SplitFetcher<S> {
  /** The split's identity (stream key, subject, key range): stable across its states. */
  key(split: S): string;
  /** Reads what follows each split's position, at most `max` records, waiting briefly for data. */
  fetch(splits: readonly S[], max: number): Promise<FetchResult<S>>;
  /**
   * Optional: tells the server the positions of a completed checkpoint (splits still read, and
   * the last positions of splits that ended), e.g. a consumer group's last delivered id.
   */
  readonly acknowledge?: ((positions: readonly S[]) => Promise<void>) | undefined;
  close(): Promise<void>;
}

/** What the buffer holds: a record, a position that moved without one, a split's end. */
type Buffered<S> =
  | { readonly kind: 'record'; readonly record: unknown; readonly split: S }
  | { readonly kind: 'position'; readonly split: S }
  | { readonly kind: 'end'; readonly key: string };

/** Records asked for per fetch; the next fetch starts when fewer than half are left. */
const FETCH_MAX = 1024;
/** Milliseconds a poll with nothing buffered asks the loop to wait (the fetch resolves meanwhile). */
const IDLE_DELAY_MS = 1;
/** Checkpoints whose positions wait for their completion to be acknowledged (the newest). */
const MAX_UNACKNOWLEDGED = 16;

/** The splits of `all` that subtask `index` of `parallelism` reads: every p-th in key order. */
export function assignSplits<S>(
  all: readonly S[],
  key: (split: S) => string,
  index: number,
  parallelism: number,
): S[] {
  return [...all]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .filter((_, i) => i % parallelism === index);
}

export class AsyncSplitReader<S> implements SourceReader {
  readonly #fetcher: SplitFetcher<S>;
  readonly #subtask: number;
  readonly #parallelism: number;
  readonly #adopt: (split: S) => S;
  /** Position after the last emitted record, by split key (what a checkpoint holds). */
  #emitted = new Map<string, S>();
  /** Position after the last fetched record, by split key (where the next fetch starts). */
  #fetched = new Map<string, S>();
  #buffer: Buffered<S>[] = [];
  #next = 0;
  #inFlight = false;
  /** Bumped by a restore: results of fetches started before it are dropped. */
  #epoch = 0;
  #failure: unknown;
  /** Last positions of splits that ended (acknowledged with every later checkpoint). */
  readonly #ended = new Map<string, S>();
  /** Positions by checkpoint id, until the checkpoint completes (only with `acknowledge`). */
  readonly #unacknowledged = new Map<number, S[]>();

  /** `adopt`: what a restored split becomes in this job (a connector may apply its current options). */
  constructor(
    fetcher: SplitFetcher<S>,
    initial: readonly S[],
    subtask: number,
    parallelism: number,
    adopt: (split: S) => S = (split) => split,
  ) {
    this.#fetcher = fetcher;
    this.#adopt = adopt;
    this.#subtask = subtask;
    this.#parallelism = parallelism;
    this.#assign(initial);
  }

  #assign(splits: readonly S[]): void {
    const mine = assignSplits(splits, (s) => this.#fetcher.key(s), this.#subtask, this.#parallelism);
    this.#emitted = new Map(mine.map((s) => [this.#fetcher.key(s), s]));
    this.#fetched = new Map(this.#emitted);
  }

  poll(out: Collector<unknown>, max: number): number {
    if (this.#failure !== undefined) throw this.#failure;
    let emitted = 0;
    const buffer = this.#buffer;
    while (emitted < max && this.#next < buffer.length) {
      const item = buffer[this.#next++]!;
      if (item.kind === 'end') {
        const last = this.#emitted.get(item.key);
        if (last !== undefined && this.#fetcher.acknowledge !== undefined) this.#ended.set(item.key, last);
        this.#emitted.delete(item.key);
        continue;
      }
      this.#emitted.set(this.#fetcher.key(item.split), item.split);
      if (item.kind === 'position') continue;
      emitted++;
      out.collect(item.record);
    }
    if (this.#next === buffer.length && this.#next > 0) {
      this.#buffer = [];
      this.#next = 0;
    }
    const left = this.#buffer.length - this.#next;
    if (!this.#inFlight && left < FETCH_MAX / 2) {
      if (this.#fetched.size === 0) {
        if (left === 0) return emitted > 0 ? SOURCE_MORE : SOURCE_END;
      } else this.#startFetch();
    }
    return emitted > 0 || left > 0 ? SOURCE_MORE : IDLE_DELAY_MS;
  }

  #startFetch(): void {
    const epoch = this.#epoch;
    this.#inFlight = true;
    this.#fetcher.fetch([...this.#fetched.values()], FETCH_MAX).then(
      (result) => {
        if (epoch !== this.#epoch) return;
        this.#inFlight = false;
        for (const split of result.positions ?? []) {
          const key = this.#fetcher.key(split);
          this.#fetched.set(key, split);
          // A position that moved without records counts as emitted once what precedes it is.
          this.#buffer.push({ kind: 'position', split });
        }
        for (const { record, split } of result.records) {
          this.#fetched.set(this.#fetcher.key(split), split);
          this.#buffer.push({ kind: 'record', record, split });
        }
        for (const key of result.ended ?? []) {
          this.#fetched.delete(key);
          this.#buffer.push({ kind: 'end', key });
        }
      },
      (error: unknown) => {
        if (epoch !== this.#epoch) return;
        this.#inFlight = false;
        this.#failure = error;
      },
    );
  }

  snapshotSplits(checkpointId?: number): unknown[] {
    const splits = [...this.#emitted.values()];
    if (checkpointId !== undefined && this.#fetcher.acknowledge !== undefined) {
      this.#unacknowledged.set(checkpointId, [...splits, ...this.#ended.values()]);
      if (this.#unacknowledged.size > MAX_UNACKNOWLEDGED)
        this.#unacknowledged.delete(this.#unacknowledged.keys().next().value!);
    }
    return splits;
  }

  /** Acknowledges the positions of the newest checkpoint up to `checkpointId` (see {@link SplitFetcher.acknowledge}). */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    let positions: S[] | undefined;
    for (const [id, splits] of this.#unacknowledged) {
      if (id > checkpointId) break;
      positions = splits;
      this.#unacknowledged.delete(id);
    }
    if (positions !== undefined) await this.#fetcher.acknowledge?.(positions);
  }

  restoreSplits(splits: readonly unknown[]): void {
    this.#epoch++;
    this.#inFlight = false;
    this.#buffer = [];
    this.#next = 0;
    this.#unacknowledged.clear();
    this.#assign((splits as S[]).map(this.#adopt));
  }

  close(): void {
    this.#epoch++;
    void this.#fetcher.close().catch(() => {});
  }
}
