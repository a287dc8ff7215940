// A job of which one part ends early: a bounded source (parallelism 2) whose subtasks finish at
// once, unioned with an unbounded, rate-limited one, counted per key with keyed value state.
import { defineJob, valueState } from '../../../src/index.ts';

export interface PartlyFinishedArgs {
  /** The bounded source's keys, one record each. */
  readonly bounded: readonly string[];
  /** Records per second of the unbounded source (all of key `live`). */
  readonly ratePerSecond: number;
}

export const COUNT = valueState<number>('count', { defaultValue: 0 });

export default defineJob<PartlyFinishedArgs>((env, { bounded, ratePerSecond }) => {
  const done = env.fromArray(bounded).uid('bounded').setParallelism(2);
  const live = env
    .fromSequence(0, undefined, { ratePerSecond })
    .uid('live')
    .setParallelism(1)
    .map(() => 'live')
    .setParallelism(1);
  done
    .union(live)
    .keyBy((key) => key)
    .process<string>((key, ctx, out) => {
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect(key);
    })
    .uid('counter')
    .discard();
});
