/**
 * Window assigners (Flink's WindowAssigner): which windows a record belongs to, by its event-time
 * timestamp or by the processing time at its arrival. Tumbling windows are fixed and disjoint,
 * sliding ones overlap (`size / slide` per record), session windows start as `[t, t + gap)` per
 * record and merge when they overlap. Count windows (`KeyedStream.countWindow`) have no assigner.
 */
import { checkInteger } from '../../config/options.ts';

/** A window of time `[start, end)`; its last timestamp (`maxTimestamp`) is `end - 1`. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** Assigns windows to records; create one with the factories below. */
export interface WindowAssigner {
  /** Event time (the record's timestamp) or processing time (the arrival time). */
  readonly eventTime: boolean;
  /** Session windows: windows that overlap merge into one. */
  readonly merging: boolean;
  /** The windows of a record with timestamp `timestamp`. */
  assignWindows(timestamp: number): TimeWindow[];
  /** For errors and names, e.g. `TumblingEventTimeWindows(1000)`. */
  readonly description: string;
}

/** The last timestamp inside `window`. */
export function maxTimestamp(window: TimeWindow): number {
  return window.end - 1;
}

/** Start of the window of `size` (shifted by `offset`) holding `timestamp` (Flink's getWindowStartWithOffset). */
function windowStart(timestamp: number, offset: number, size: number): number {
  const remainder = (timestamp - offset) % size;
  return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder;
}

function tumbling(eventTime: boolean, name: string, size: number, offset: number): WindowAssigner {
  const sizeMs = checkInteger(`${name} size`, size, 1);
  const offsetMs = checkInteger(`${name} offset`, offset, 0, sizeMs - 1);
  return {
    eventTime,
    merging: false,
    description: `${name}(${sizeMs})`,
    assignWindows(timestamp) {
      const start = windowStart(timestamp, offsetMs, sizeMs);
      return [{ start, end: start + sizeMs }];
    },
  };
}

function sliding(
  eventTime: boolean,
  name: string,
  size: number,
  slide: number,
  offset: number,
): WindowAssigner {
  const sizeMs = checkInteger(`${name} size`, size, 1);
  const slideMs = checkInteger(`${name} slide`, slide, 1, sizeMs);
  const offsetMs = checkInteger(`${name} offset`, offset, 0, slideMs - 1);
  return {
    eventTime,
    merging: false,
    description: `${name}(${sizeMs}, ${slideMs})`,
    assignWindows(timestamp) {
      const windows: TimeWindow[] = [];
      const last = windowStart(timestamp, offsetMs, slideMs);
      for (let start = last; start > timestamp - sizeMs; start -= slideMs)
        windows.push({ start, end: start + sizeMs });
      return windows;
    },
  };
}

function session(eventTime: boolean, name: string, gap: number): WindowAssigner {
  const gapMs = checkInteger(`${name} gap`, gap, 1);
  return {
    eventTime,
    merging: true,
    description: `${name}(${gapMs})`,
    assignWindows: (timestamp) => [{ start: timestamp, end: timestamp + gapMs }],
  };
}

/** Fixed, disjoint event-time windows of `sizeMs`, aligned to the epoch plus `offsetMs`. */
export const TumblingEventTimeWindows = {
  of: (sizeMs: number, offsetMs = 0): WindowAssigner =>
    tumbling(true, 'TumblingEventTimeWindows', sizeMs, offsetMs),
};

/** Fixed, disjoint processing-time windows of `sizeMs`. */
export const TumblingProcessingTimeWindows = {
  of: (sizeMs: number, offsetMs = 0): WindowAssigner =>
    tumbling(false, 'TumblingProcessingTimeWindows', sizeMs, offsetMs),
};

/** Event-time windows of `sizeMs` starting every `slideMs` (a record is in `sizeMs / slideMs` of them). */
export const SlidingEventTimeWindows = {
  of: (sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner =>
    sliding(true, 'SlidingEventTimeWindows', sizeMs, slideMs, offsetMs),
};

/** Processing-time windows of `sizeMs` starting every `slideMs`. */
export const SlidingProcessingTimeWindows = {
  of: (sizeMs: number, slideMs: number, offsetMs = 0): WindowAssigner =>
    sliding(false, 'SlidingProcessingTimeWindows', sizeMs, slideMs, offsetMs),
};

/** Event-time sessions: records less than `gapMs` apart (per key) fall into one window. */
export const EventTimeSessionWindows = {
  withGap: (gapMs: number): WindowAssigner => session(true, 'EventTimeSessionWindows', gapMs),
};

/** Processing-time sessions: records arriving less than `gapMs` apart fall into one window. */
export const ProcessingTimeSessionWindows = {
  withGap: (gapMs: number): WindowAssigner => session(false, 'ProcessingTimeSessionWindows', gapMs),
};
