// Two numbered sources, unioned, counted per key with keyed value state: the job the checkpoint
// consistency and recovery tests inspect. With `skew`, eight records in ten go to one hot key.
import { defineJob, valueState } from '../../../src/index.ts';

export interface KeyedCountArgs {
  /** Records per source (numbers from 0 and from RIGHT_START); unbounded when omitted. */
  readonly count?: number;
  /** Records per second per source; unlimited when omitted. */
  readonly ratePerSecond?: number;
  readonly skew?: boolean;
  readonly keys?: number;
  /**
   * From this many numbers into each source on, every record goes to the key 'hot': from then on
   * one key group changes and the others stay as they are. Omitted: keys spread all along.
   */
  readonly spread?: number;
  /** CPU each record costs the counter (a slow consumer: the rings before it fill). */
  readonly busyMicros?: number;
}

/** The key of record n. */
export function keyOf(n: number, args: KeyedCountArgs): string {
  const keys = args.keys ?? 16;
  if (args.skew && n % 10 < 8) return 'hot';
  if (args.spread !== undefined && (n >= RIGHT_START ? n - RIGHT_START : n) >= args.spread) return 'hot';
  return `k${(n * 7919) % keys}`;
}

export const COUNT = valueState<number>('count', { defaultValue: 0 });

/** First number of the right source. */
export const RIGHT_START = 1_000_000_000;

export default defineJob<KeyedCountArgs>((env, args) => {
  const rate = args.ratePerSecond === undefined ? {} : { ratePerSecond: args.ratePerSecond };
  const count = args.count ?? Number.POSITIVE_INFINITY;
  const left = env.fromSequence(0, count - 1, rate).uid('left');
  const right = env.fromSequence(RIGHT_START, RIGHT_START + count - 1, rate).uid('right');
  left
    .union(right)
    .map((n) => ({ key: keyOf(n, args), n }))
    .keyBy('key')
    .process<{ key: string; count: number }>((record, ctx, out) => {
      if (args.busyMicros !== undefined) {
        const until = performance.now() + args.busyMicros / 1000;
        while (performance.now() < until);
      }
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect({ key: record.key, count: count.value() });
    })
    .uid('counter')
    .discard();
});
