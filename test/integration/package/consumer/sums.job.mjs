// A user's job module in plain JavaScript, importing the installed package: a keyed sum whose
// results carry the id of the thread that computed them.
import { threadId } from 'node:worker_threads';
import { defineJob } from 'weir';

export default defineJob(
  (env, { to }) => {
    env
      .fromSequence(1, to)
      .map((n) => ({ key: n % 10, n }))
      .keyBy('key')
      .sum('n')
      .map((sum) => ({ ...sum, thread: threadId }))
      .collect({ uid: 'sums' });
  },
  { runtimeMode: 'batch' },
);
