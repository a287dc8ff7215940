// An unbounded, rate-limited source feeding a keyed count; runs until cancelled.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ ratePerSecond: number }>((env, { ratePerSecond }) => {
  env
    .fromSequence(0, undefined, { ratePerSecond })
    .map((n) => ({ key: n % 10, n: 1 }))
    .keyBy('key')
    .sum('n')
    .discard();
});
