/**
 * The seeded pseudo-random generator (`src/util/seeded-random.ts`) and a Zipf sampler over ranks, so that the
 * benchmark's input is the same on every machine and every run.
 */

export { seededRandom } from '../../src/util/seeded-random.ts';

/**
 * Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^exponent (Zipf's law, as word
 * frequencies in text roughly follow), by binary search in the cumulative distribution.
 */
export function zipfSampler(n: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const u = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
