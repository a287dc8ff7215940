/**
 * The keyed window operator for time windows (Flink's WindowOperator with the default event-time or
 * processing-time trigger): assigns each record to its windows, keeps their contents in keyed state
 * ({@link WindowStore}), and fires a window when its time domain reaches its last timestamp, through
 * a timer per key and time ({@link KeyedTimers}, keyed state too).
 *
 * Event time: a record whose windows are all past the watermark by more than the allowed lateness
 * is late: it goes to the late side output if there is one, else it is dropped and counted. A record
 * accepted into a window that already fired (within the allowed lateness) fires it again at once with
 * the updated contents (a late firing). A window's state is dropped once the watermark passes its
 * end plus the allowed lateness. Session windows merge on overlap (a record may bridge two).
 *
 * A timer fires for a key and a time: every window of the key that ends there fires, every window
 * whose cleanup time it is is dropped. Timers of windows merged away stay behind and find nothing.
 */
import { InvalidOptionError } from '../../errors.ts';
import type { Key } from '../functions.ts';
import type { ResolvedKeySelector } from '../key-selector.ts';
import { backendOf } from '../keyed.ts';
import type { Operator, OperatorFactory } from '../operator.ts';
import { SideOutputRecord } from '../side-output.ts';
import { KeyedTimers, type TimeDomain } from '../time/keyed-timers.ts';
import { restoredWatermark, watermarkState } from '../time/operator-watermark.ts';
import { userFunctionError } from '../user-function-error.ts';
import { maxTimestamp, type TimeWindow, type WindowAssigner } from './window-assigners.ts';
import type { ProcessWindowContext, WindowContents } from './window-function.ts';
import { WindowStore } from './window-store.ts';

/** What a time-window operation declares. */
export interface WindowSpec {
  readonly assigner: WindowAssigner;
  readonly allowedLatenessMs: number;
  /** The late side output's id, if any. */
  readonly lateTag: string | undefined;
  readonly contents: WindowContents;
}

export function windowOperator(key: ResolvedKeySelector, spec: WindowSpec): OperatorFactory {
  const { assigner, contents } = spec;
  const eventTime = assigner.eventTime;
  const domain: TimeDomain = eventTime ? 'event-time' : 'processing-time';
  const lateness = eventTime ? spec.allowedLatenessMs : 0;
  const cleanupTime = (w: TimeWindow): number => maxTimestamp(w) + lateness;
  return (context, output): Operator => {
    const backend = backendOf(context);
    const time = context.recordTime;
    const clock = context.processingTime;
    const store = new WindowStore(backend, 'window', !contents.incremental);
    let lateDropped = 0;
    /** Accumulators made since the last snapshot: no snapshot shares them (see WindowContents.add). */
    let owned = new WeakSet<object>();
    const timers = new KeyedTimers(
      backend,
      clock,
      (timestamp, fired) => onTimer(timestamp, fired),
      'window.timers',
    );
    const register = (t: number): void => {
      if (eventTime) timers.registerEventTimeTimer(t);
      else timers.registerProcessingTimeTimer(t);
    };

    const fire = (window: TimeWindow): void => {
      const meta = store.meta(window);
      if (meta === undefined) return;
      const windowContext: ProcessWindowContext = {
        key: backend.currentKey as Key,
        window: { start: window.start, end: window.end, maxTimestamp: maxTimestamp(window) },
        currentWatermark: () => timers.currentWatermark(),
        currentProcessingTime: () => clock.now(),
        output: (tag, value) => output.collect(new SideOutputRecord(tag.id, value)),
      };
      // Results carry the window's last timestamp (in either time domain), as in Flink.
      time.current = maxTimestamp(window);
      try {
        contents.emit(windowContext, contents.incremental ? meta.acc : store.elements(window), output);
      } catch (error) {
        throw userFunctionError(context, `window [${window.start}, ${window.end})`, error);
      }
    };

    function onTimer(timestamp: number, fired: TimeDomain): void {
      if (fired !== domain) return;
      for (const window of store.windows()) {
        if (maxTimestamp(window) === timestamp) fire(window);
        if (cleanupTime(window) === timestamp) store.clear(window);
      }
    }

    const isLate = (w: TimeWindow): boolean => eventTime && cleanupTime(w) <= timers.currentWatermark();

    /** Merges `window` with the key's overlapping windows; the window the record goes to, or undefined if late. */
    const merge = (window: TimeWindow): TimeWindow | undefined => {
      const overlapping = store.windows().filter((w) => w.start <= window.end && w.end >= window.start);
      let start = window.start;
      let end = window.end;
      for (const w of overlapping) {
        start = Math.min(start, w.start);
        end = Math.max(end, w.end);
      }
      const merged = { start, end };
      if (isLate(merged)) return undefined;
      const target = overlapping.find((w) => w.start === start && w.end === end);
      const sources = overlapping.filter((w) => w !== target);
      if (sources.length === 0) return merged;
      let meta = target ? store.meta(target) : undefined;
      if (contents.incremental) {
        let acc = meta?.acc;
        let n = meta?.n ?? 0;
        for (const source of sources) {
          const m = store.meta(source)!;
          acc = acc === undefined ? m.acc : contents.merge(acc, m.acc);
          n += m.n;
        }
        meta = { n, acc };
      } else {
        meta = { n: store.moveElements(sources, merged, meta) };
      }
      for (const source of sources) store.clear(source);
      store.setMeta(merged, meta);
      return merged;
    };

    const add = (window: TimeWindow, record: unknown): void => {
      const meta = store.meta(window);
      const n = meta?.n ?? 0;
      if (contents.incremental)
        store.setMeta(window, { n: n + 1, acc: contents.add(meta?.acc, record, owned) });
      else {
        store.addElement(window, n, record);
        store.setMeta(window, { n: n + 1 });
      }
      if (eventTime && maxTimestamp(window) <= timers.currentWatermark()) fire(window);
      else register(maxTimestamp(window));
      if (cleanupTime(window) !== maxTimestamp(window)) register(cleanupTime(window));
    };

    return {
      open() {
        timers.start();
      },
      process(record) {
        const timestamp = eventTime ? time.current : clock.now();
        try {
          if (timestamp === undefined)
            throw new TypeError(
              `${assigner.description} needs event-time timestamps: call assignTimestampsAndWatermarks upstream`,
            );
          backend.setCurrentKey(key.fn(record));
          let accepted = false;
          for (const assigned of assigner.assignWindows(timestamp)) {
            const window = assigner.merging ? merge(assigned) : isLate(assigned) ? undefined : assigned;
            if (window === undefined) continue;
            accepted = true;
            add(window, record);
          }
          if (accepted) return;
        } catch (error) {
          throw userFunctionError(context, record, error);
        }
        // Late: every window of the record is past the allowed lateness.
        time.current = timestamp;
        if (spec.lateTag !== undefined) output.collect(new SideOutputRecord(spec.lateTag, record));
        else lateDropped++;
      },
      processWatermark(timestamp) {
        timers.advanceWatermark(timestamp);
        output.emitWatermark(timestamp);
      },
      snapshotState: () => {
        owned = new WeakSet(); // the snapshot now shares every accumulator
        return { ...watermarkState(timers.currentWatermark()), lateDropped };
      },
      restoreState(states) {
        timers.restoreWatermark(restoredWatermark(states));
      },
    };
  };
}

/** Checks `allowedLateness` (ms, a non-negative integer). */
export function checkAllowedLateness(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0)
    throw new InvalidOptionError('allowedLateness', 'a non-negative integer number of ms', ms);
  return ms;
}
