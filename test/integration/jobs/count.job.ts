// Word count with `count()`: lines (or a numbered sequence) -> words -> keyBy(identity) -> count.
// With `count` set, the source is a numbered sequence keyed by `k${n % keys}` (for savepoints).
import { defineJob, type KeyCount } from '../../../src/index.ts';

export interface CountArgs {
  /** Lines of words to count. */
  readonly lines?: readonly string[];
  /** Records of the numbered source (used when `lines` is omitted). */
  readonly count?: number;
  readonly keys?: number;
  readonly ratePerSecond?: number;
}

export default defineJob<CountArgs>((env, args) => {
  const words = args.lines
    ? env.fromArray(args.lines).flatMap((line: string) => line.split(/\s+/).filter((w) => w.length > 0))
    : env
        .fromSequence(
          0,
          (args.count ?? 0) - 1,
          args.ratePerSecond === undefined ? {} : { ratePerSecond: args.ratePerSecond },
        )
        .uid('numbers')
        .map((n: number) => `k${n % (args.keys ?? 16)}`);
  words
    .keyBy((word: string) => word)
    .count<string>()
    .uid('counter')
    .filter((r: KeyCount<string>) => r.count > 0)
    .collect({ uid: 'counts' });
});
