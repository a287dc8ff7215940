/** Small statistics over samples: percentiles of a sorted array and the median of a few values. */

/**
 * The `p`-th percentile (0..100) of an ascending array, interpolating linearly between the two
 * nearest ranks. NaN for an empty array.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (rank - lo);
}

/** The median of `values` (any order). NaN for none. */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
