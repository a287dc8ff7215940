// A batch-mode reduce whose result drops the key field: the combiner's partials cannot be routed
// when they are flushed at the end of input, which must fail the job, not hang it.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ records: number }>((env, { records }) => {
  env
    .fromSequence(0, records - 2)
    .map((n) => ({ k: n % 10, v: n }))
    .keyBy('k')
    .reduce((a, b) => ({ v: a.v + b.v }) as { k: number; v: number })
    .name('lossy')
    .uid('lossy-reduce')
    .discard();
});
