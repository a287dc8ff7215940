// An unbounded, rate-limited source into a two-phase-commit sink whose commit throws the first
// time a checkpoint completes: the job must fail with that error, not run on with the commit lost.
import { defineJob } from '../../../src/index.ts';

export default defineJob<{ ratePerSecond: number }>((env, { ratePerSecond }) => {
  env.fromSequence(0, undefined, { ratePerSecond }).sinkToTransactional<number[]>({
    beginTransaction: () => [],
    write: (transaction, n) => {
      transaction.push(n);
    },
    preCommit: () => {},
    commit: () => {
      throw new Error('commit refused by the test sink');
    },
    abort: () => {},
  });
});
