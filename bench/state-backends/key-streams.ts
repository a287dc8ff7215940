/**
 * The key streams of the state-backends benchmark: uniform and Zipf-distributed keys in [0, n), from
 * a seeded generator, so that every backend sees the same sequence. Zipf by rejection-inversion
 * (Hörmann and Derflinger, as Apache Commons RNG's `RejectionInversionZipfSampler`): O(1) memory,
 * which matters at 20 M keys under a capped heap (a CDF table would be 160 MB).
 */

/** xorshift32: a fast, seeded stream of uniform numbers in [0, 1). */
export function uniformRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** Uniform keys in [0, n). */
export function uniformKeys(n: number, seed: number): () => number {
  const random = uniformRandom(seed);
  return () => Math.floor(random() * n);
}

const helper1 = (x: number): number =>
  Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
const helper2 = (x: number): number =>
  Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));

/** Zipf keys in [0, n): key k - 1 has probability ∝ 1 / k^exponent (exponent > 0). */
export function zipfKeys(n: number, exponent: number, seed: number): () => number {
  const random = uniformRandom(seed);
  const s = exponent;
  const hIntegral = (x: number): number => {
    const logX = Math.log(x);
    return helper2((1 - s) * logX) * logX;
  };
  const h = (x: number): number => Math.exp(-s * Math.log(x));
  const hIntegralInverse = (x: number): number => {
    let t = x * (1 - s);
    if (t < -1) t = -1;
    return Math.exp(helper1(t) * x);
  };
  const hIntegralX1 = hIntegral(1.5) - 1;
  const hIntegralN = hIntegral(n + 0.5);
  const threshold = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
  return () => {
    for (;;) {
      const u = hIntegralN + random() * (hIntegralX1 - hIntegralN);
      const x = hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > n) k = n;
      if (k - x <= threshold || u >= hIntegral(k + 0.5) - h(k)) return k - 1;
    }
  };
}
