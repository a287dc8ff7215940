/**
 * Timers of a keyed operator (Flink's InternalTimerService): per key, at most one event-time and
 * one processing-time timer per timestamp. Timers are keyed state (a map state per time domain,
 * timestamp → 1, under the key), so they are in every checkpoint, per key group, restored with the
 * key groups a subtask owns and redistributed on rescale, in whichever backend holds the state.
 *
 * Beside the state, an in-memory queue orders the timers by time across keys. It is rebuilt from
 * the state on first use after a restore; deletions are lazy (a queued timer no longer in the state
 * is skipped). Event-time timers fire when the watermark reaches them, in time order; processing-
 * time timers when the subtask's processing time does.
 *
 * Thread: the operator's subtask thread only.
 */
import type { KeyedStateBackend } from '../../state/keyed-state-backend.ts';
import { type MapState, mapState } from '../../state/map-state.ts';
import type { Key } from '../functions.ts';
import type { ProcessingTimeService } from './processing-time-service.ts';
import { TimerHeap } from './timer-heap.ts';
import { MIN_WATERMARK } from './watermark.ts';

/** A timer's time domain. */
export type TimeDomain = 'event-time' | 'processing-time';

/** Called for a timer that fires, with its key made current on the backend. */
export type TimerCallback = (timestamp: number, domain: TimeDomain, key: Key) => void;

/** What user functions see of timers: the current key's, and the clocks. */
export interface TimerService {
  /** The operator's current watermark (-Infinity before the first). */
  currentWatermark(): number;
  /** The current processing time (ms since the epoch). */
  currentProcessingTime(): number;
  /** Sets an event-time timer at `timestamp` for the current key (once per key and timestamp). */
  registerEventTimeTimer(timestamp: number): void;
  /** Sets a processing-time timer at `timestamp` for the current key. */
  registerProcessingTimeTimer(timestamp: number): void;
  /** Removes the current key's event-time timer at `timestamp`, if any. */
  deleteEventTimeTimer(timestamp: number): void;
  /** Removes the current key's processing-time timer at `timestamp`, if any. */
  deleteProcessingTimeTimer(timestamp: number): void;
}

class Domain {
  readonly state: MapState<number, 1>;
  readonly queue = new TimerHeap<Key>();

  constructor(backend: KeyedStateBackend, name: string) {
    this.state = backend.getState(mapState<number, 1>(name));
  }
}

export class KeyedTimers implements TimerService {
  readonly #backend: KeyedStateBackend;
  readonly #clock: ProcessingTimeService;
  readonly #onTimer: TimerCallback;
  readonly #event: Domain;
  readonly #processing: Domain;
  readonly #names: readonly [string, string];
  #watermark = MIN_WATERMARK;
  #loaded = false;
  /** The earliest processing time a clock callback is scheduled for. */
  #scheduled = Number.POSITIVE_INFINITY;

  /** `prefix` names the operator's two timer states (`<prefix>.event`, `<prefix>.processing`). */
  constructor(
    backend: KeyedStateBackend,
    clock: ProcessingTimeService,
    onTimer: TimerCallback,
    prefix = 'timers',
  ) {
    this.#backend = backend;
    this.#clock = clock;
    this.#onTimer = onTimer;
    this.#names = [`${prefix}.event`, `${prefix}.processing`];
    this.#event = new Domain(backend, this.#names[0]);
    this.#processing = new Domain(backend, this.#names[1]);
  }

  currentWatermark(): number {
    return this.#watermark;
  }

  currentProcessingTime(): number {
    return this.#clock.now();
  }

  /**
   * Call from the operator's `open`: queues the timers of restored state once it is restored
   * (before the first record), so that restored processing-time timers fire without any input.
   */
  start(): void {
    this.#clock.schedule(this.#clock.now(), () => this.#load());
  }

  /** Starts from a restored watermark (it never goes back). */
  restoreWatermark(watermark: number): void {
    if (watermark > this.#watermark) this.#watermark = watermark;
  }

  registerEventTimeTimer(timestamp: number): void {
    this.#register(this.#event, timestamp);
  }

  registerProcessingTimeTimer(timestamp: number): void {
    this.#register(this.#processing, timestamp);
    this.#schedule(timestamp);
  }

  deleteEventTimeTimer(timestamp: number): void {
    this.#event.state.remove(timestamp);
  }

  deleteProcessingTimeTimer(timestamp: number): void {
    this.#processing.state.remove(timestamp);
  }

  /** Fires the event-time timers at or before `watermark`, in time order, then moves to it. */
  advanceWatermark(watermark: number): void {
    if (watermark <= this.#watermark) return;
    this.#load();
    this.#watermark = watermark;
    this.#fire(this.#event, 'event-time', watermark);
  }

  #register(domain: Domain, timestamp: number): void {
    if (typeof timestamp !== 'number' || Number.isNaN(timestamp))
      throw new TypeError(`a timer's timestamp must be a number (ms), got ${String(timestamp)}`);
    this.#load();
    if (domain.state.contains(timestamp)) return;
    domain.state.put(timestamp, 1);
    domain.queue.push(timestamp, this.#backend.currentKey as Key);
  }

  #schedule(timestamp: number): void {
    if (timestamp >= this.#scheduled) return;
    this.#scheduled = timestamp;
    this.#clock.schedule(timestamp, () => {
      this.#scheduled = Number.POSITIVE_INFINITY;
      this.#fire(this.#processing, 'processing-time', this.#clock.now());
      const next = this.#processing.queue.peekTime();
      if (next !== Number.POSITIVE_INFINITY) this.#schedule(next);
    });
  }

  #fire(domain: Domain, kind: TimeDomain, until: number): void {
    const backend = this.#backend;
    const queue = domain.queue;
    while (queue.size > 0 && queue.peekTime() <= until) {
      const { time, value: key } = queue.pop()!;
      backend.setCurrentKey(key);
      if (!domain.state.contains(time)) continue; // deleted, or a duplicate already fired
      domain.state.remove(time);
      this.#onTimer(time, kind, key);
    }
  }

  /** Queues the timers found in the state (restored ones) before the first use. */
  #load(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    const backend = this.#backend;
    const previous = backend.currentKey;
    for (const [domain, name] of [
      [this.#event, this.#names[0]],
      [this.#processing, this.#names[1]],
    ] as const) {
      backend.applyToAllKeys(mapState<number, 1>(name), (key, state) => {
        for (const timestamp of state.keys()) domain.queue.push(timestamp, key as Key);
      });
    }
    if (previous !== undefined) backend.setCurrentKey(previous);
    const next = this.#processing.queue.peekTime();
    if (next !== Number.POSITIVE_INFINITY) this.#schedule(next);
  }
}
