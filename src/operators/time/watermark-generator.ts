/**
 * Watermark generators (Flink's WatermarkGenerator): they see every record's timestamp and emit
 * watermarks, either per record (punctuated, in `onEvent`) or periodically (in `onPeriodicEmit`,
 * every auto-watermark interval of processing time). The built-in ones: bounded out-of-orderness
 * (monotonous timestamps are its bound 0) and the idleness wrapper.
 */

/** Where a generator emits. */
export interface WatermarkOutput {
  /** Emits watermark `timestamp` (ignored unless it is larger than the last one). */
  emitWatermark(timestamp: number): void;
  /** Declares the stream idle: it holds back no downstream watermark until its next record. */
  markIdle(): void;
  /** Declares the stream active again (a record or a watermark does it too). */
  markActive(): void;
}

/** Generates watermarks from the records' timestamps. */
export interface WatermarkGenerator<T> {
  /** Called for every record, after the record went out: punctuated generators emit here. */
  onEvent(record: T, timestamp: number, output: WatermarkOutput): void;
  /** Called every auto-watermark interval: periodic generators emit here. */
  onPeriodicEmit(output: WatermarkOutput): void;
  /**
   * What the generator must remember across a restore (plain data), taken at every checkpoint;
   * without it a restored generator starts afresh.
   */
  snapshotState?(): unknown;
  /** Restores the states of the subtasks this one takes over (several after a rescale). */
  restoreState?(states: readonly unknown[]): void;
}

/**
 * Watermarks that trail the largest timestamp seen by `maxOutOfOrdernessMs` (Flink's
 * BoundedOutOfOrdernessWatermarks): `max - bound - 1`, emitted periodically. A record more than
 * the bound behind the largest timestamp may arrive after the watermark passed it (late).
 */
export class BoundedOutOfOrdernessGenerator implements WatermarkGenerator<unknown> {
  readonly #bound: number;
  #max = Number.NEGATIVE_INFINITY;

  constructor(maxOutOfOrdernessMs: number) {
    this.#bound = maxOutOfOrdernessMs;
  }

  onEvent(_record: unknown, timestamp: number): void {
    if (timestamp > this.#max) this.#max = timestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.#max !== Number.NEGATIVE_INFINITY) output.emitWatermark(this.#max - this.#bound - 1);
  }

  snapshotState(): unknown {
    return this.#max === Number.NEGATIVE_INFINITY ? null : this.#max;
  }

  /** Several states (a rescale): the smallest, so that no watermark runs ahead of what was promised. */
  restoreState(states: readonly unknown[]): void {
    const values = states.filter((s): s is number => typeof s === 'number');
    if (values.length > 0) this.#max = Math.min(...values);
  }
}

/**
 * Marks the stream idle when no record came for `idleMs` of processing time (checked at every
 * periodic emit), and active again with the next record (Flink's WatermarksWithIdleness).
 */
export class IdlenessGenerator<T> implements WatermarkGenerator<T> {
  readonly #inner: WatermarkGenerator<T>;
  readonly #idleMs: number;
  readonly #now: () => number;
  #lastActivity: number;
  #idle = false;

  constructor(inner: WatermarkGenerator<T>, idleMs: number, now: () => number) {
    this.#inner = inner;
    this.#idleMs = idleMs;
    this.#now = now;
    this.#lastActivity = now();
  }

  onEvent(record: T, timestamp: number, output: WatermarkOutput): void {
    this.#lastActivity = this.#now();
    this.#idle = false;
    this.#inner.onEvent(record, timestamp, output);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.#idle) return;
    if (this.#now() - this.#lastActivity >= this.#idleMs) {
      this.#idle = true;
      output.markIdle();
      return;
    }
    this.#inner.onPeriodicEmit(output);
  }

  snapshotState(): unknown {
    return this.#inner.snapshotState?.();
  }

  restoreState(states: readonly unknown[]): void {
    this.#inner.restoreState?.(states);
  }
}
