// Keyed sums over a numbered source; emits only each key's final sum, so that ten million records
// can flow through without collecting ten million rolling updates.
import { defineJob } from '../../../src/index.ts';

export interface SequenceSumArgs {
  readonly count: number;
  readonly keys: number;
}

export default defineJob<SequenceSumArgs>((env, { count, keys }) => {
  env
    .fromSequence(0, count - 1)
    .map((n) => ({ key: n % keys, value: n, seen: 1 }))
    .keyBy('key')
    .reduce((a, b) => ({ key: a.key, value: a.value + b.value, seen: a.seen + b.seen }))
    .filter((r) => r.seen === Math.floor(count / keys) + (r.key < count % keys ? 1 : 0))
    .collect({ uid: 'sums' });
});
