/**
 * How a stream gets event time (Flink's WatermarkStrategy): a timestamp assigner that reads each
 * record's timestamp, and a watermark generator that says how far event time has progressed.
 * Immutable: every `with…` returns a new strategy. Given to `DataStream.assignTimestampsAndWatermarks`.
 */
import { checkInteger } from '../../config/options.ts';
import { InvalidOptionError } from '../../errors.ts';
import {
  BoundedOutOfOrdernessGenerator,
  IdlenessGenerator,
  type WatermarkGenerator,
} from './watermark-generator.ts';

/**
 * Reads a record's event time (ms): a finite number. `previous` is the timestamp the record already
 * carries, if any (set by an earlier assigner or operator).
 */
export type TimestampAssigner<T> = (record: T, previous: number | undefined) => number;

/** Default auto-watermark interval: how often periodic generators emit (Flink's default too). */
export const DEFAULT_AUTO_WATERMARK_INTERVAL_MS = 200;

interface StrategySpec<T> {
  readonly generator: () => WatermarkGenerator<T>;
  readonly assigner: TimestampAssigner<T> | undefined;
  readonly idleMs: number | undefined;
  readonly intervalMs: number;
}

export class WatermarkStrategy<T> {
  readonly #spec: StrategySpec<T>;

  private constructor(spec: StrategySpec<T>) {
    this.#spec = spec;
  }

  /**
   * Watermarks `maxOutOfOrdernessMs` behind the largest timestamp seen: records at most that much
   * out of order are never late.
   */
  static forBoundedOutOfOrderness<T>(maxOutOfOrdernessMs: number): WatermarkStrategy<T> {
    const bound = checkInteger('forBoundedOutOfOrderness maxOutOfOrdernessMs', maxOutOfOrdernessMs, 0);
    return WatermarkStrategy.forGenerator<T>(() => new BoundedOutOfOrdernessGenerator(bound));
  }

  /** For timestamps that never decrease: the watermark follows the largest timestamp seen. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forGenerator<T>(() => new BoundedOutOfOrdernessGenerator(0));
  }

  /**
   * A custom generator, created once per subtask: periodic (emitting in `onPeriodicEmit`) or
   * punctuated (emitting in `onEvent`).
   */
  static forGenerator<T>(factory: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
    if (typeof factory !== 'function')
      throw new InvalidOptionError(
        'forGenerator factory',
        'a function returning a WatermarkGenerator',
        factory,
      );
    return new WatermarkStrategy<T>({
      generator: factory,
      assigner: undefined,
      idleMs: undefined,
      intervalMs: DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
    });
  }

  /** Timestamps only, no watermarks (event time never advances before the end of input). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forGenerator<T>(() => ({ onEvent() {}, onPeriodicEmit() {} }));
  }

  /**
   * Reads timestamps with `assigner`. Without one, records must already carry a timestamp (from an
   * earlier assigner, or a window's result).
   */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    if (typeof assigner !== 'function')
      throw new InvalidOptionError('withTimestampAssigner assigner', 'a function', assigner);
    return new WatermarkStrategy<T>({ ...this.#spec, assigner });
  }

  /**
   * Marks the stream idle after `idleMs` of processing time without records, so that it does not
   * hold back the watermark downstream; its next record makes it active again.
   */
  withIdleness(idleMs: number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({
      ...this.#spec,
      idleMs: checkInteger('withIdleness idleMs', idleMs, 1),
    });
  }

  /** How often periodic generators emit, in ms of processing time (default 200). */
  withAutoWatermarkInterval(intervalMs: number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({
      ...this.#spec,
      intervalMs: checkInteger('withAutoWatermarkInterval intervalMs', intervalMs, 1),
    });
  }

  /** @internal The timestamp assigner, if one was given. */
  get timestampAssigner(): TimestampAssigner<T> | undefined {
    return this.#spec.assigner;
  }

  /** @internal The auto-watermark interval (ms). */
  get autoWatermarkIntervalMs(): number {
    return this.#spec.intervalMs;
  }

  /** @internal A subtask's generator, wrapped for idleness when asked. */
  createGenerator(now: () => number): WatermarkGenerator<T> {
    const generator = this.#spec.generator();
    if (typeof generator?.onEvent !== 'function' || typeof generator.onPeriodicEmit !== 'function')
      throw new InvalidOptionError(
        'WatermarkStrategy generator',
        'an object with onEvent and onPeriodicEmit',
        generator,
      );
    const idleMs = this.#spec.idleMs;
    return idleMs === undefined ? generator : new IdlenessGenerator(generator, idleMs, now);
  }
}
