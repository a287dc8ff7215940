/**
 * Watermark values. A watermark `t` says that no record with a timestamp ≤ `t` is expected any
 * more. Event time starts at {@link MIN_WATERMARK}; a bounded input ends with
 * {@link MAX_WATERMARK}, which fires every pending event-time timer and window.
 */

/** Event time before any watermark. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;
/** The watermark at the end of a bounded input. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
