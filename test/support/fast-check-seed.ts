// Property tests run with one fixed seed, so that `npm test` is deterministic: a failure in CI
// reproduces on every machine. Explore other inputs with `FC_SEED=<n> npm test` (any integer), or
// `FC_SEED=random` for a fresh seed per run; fast-check prints the seed of any counterexample.
import fc from 'fast-check';

const requested = process.env['FC_SEED'];
if (requested !== 'random') {
  const seed = requested === undefined ? 20_261_124 : Number(requested);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got ${requested}`);
  fc.configureGlobal({ seed });
}
