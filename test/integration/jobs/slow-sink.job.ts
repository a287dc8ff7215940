// A fast source and a deliberately slow sink. Shared counters (from args) record how far the
// source ran ahead of the sink: [0] records emitted, [1] records sunk, [2] largest gap seen.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ count: number; counters: SharedArrayBuffer }>((env, { count, counters }) => {
  const c = new Int32Array(counters);
  env
    .fromSequence(0, count - 1)
    .map((n) => {
      Atomics.add(c, 0, 1);
      return n;
    })
    .rebalance()
    .sinkTo(() => {
      const sunk = Atomics.add(c, 1, 1) + 1;
      const gap = Atomics.load(c, 0) - sunk;
      if (gap > Atomics.load(c, 2)) Atomics.store(c, 2, gap);
      const until = performance.now() + 0.002;
      while (performance.now() < until) {
        // busy: a slow sink
      }
    });
});
