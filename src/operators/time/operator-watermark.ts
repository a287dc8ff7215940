/**
 * An operator's current watermark as operator state: what a restored subtask starts from, so that
 * lateness is judged as it was at the checkpoint rather than from the start of time. After a
 * rescale a subtask takes the smallest of the states it gets (none: the start of time).
 */
import { MIN_WATERMARK } from './watermark.ts';

/** The operator state holding `watermark`. */
export function watermarkState(watermark: number): { watermark: number | null } {
  return { watermark: Number.isFinite(watermark) ? watermark : null };
}

/** The watermark to start from, given the restored states of {@link watermarkState}. */
export function restoredWatermark(states: readonly unknown[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const state of states) {
    const watermark = (state as { watermark?: unknown } | null)?.watermark;
    min = Math.min(min, typeof watermark === 'number' ? watermark : MIN_WATERMARK);
  }
  return min === Number.POSITIVE_INFINITY ? MIN_WATERMARK : min;
}
