// A keyed sum whose input lacks the key field in one record: the job must fail naming the keyed
// operator, the subtask and the record.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ records: number; missingAt: number }>((env, { records, missingAt }) => {
  env
    .fromSequence(0, records - 2)
    .map((n) => (n === missingAt ? { v: n } : { k: n % 10, v: n }) as { k: number; v: number })
    .keyBy('k')
    .sum('v')
    .name('total')
    .uid('total-sum')
    .discard();
});
