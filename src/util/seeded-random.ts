/**
 * A small seeded pseudo-random generator (mulberry32): the same numbers for the same seed on every
 * machine, for schedules that must replay (`weir chaos`) and for benchmark inputs.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32: fast, good enough for test data). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
