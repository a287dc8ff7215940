// A map that throws on one chosen record.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ failAt: number }>((env, { failAt }) => {
  env
    .fromSequence(0, failAt * 4 - 1)
    .map((n) => ({ id: n, label: `record-${n}` }))
    .rebalance()
    .map((r) => {
      if (r.id === failAt) throw new RangeError(`bad record ${r.id}`);
      return r;
    })
    .name('explode')
    .uid('exploding-map')
    .discard();
});
