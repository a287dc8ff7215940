// Two sources unioned, then counted per key.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ left: string[]; right: string[] }>((env, { left, right }) => {
  const a = env.fromArray(left).map((k) => ({ k, n: 1 }));
  const b = env.fromArray(right).map((k) => ({ k, n: 1 }));
  a.union(b).keyBy('k').sum('n').collect({ uid: 'counts' });
});
