// Words from a non-parallel in-job iterable (rebalanced to the job's parallelism), counted per
// word with count(); `localAggregationMs` is set by the tests that want producers to pre-aggregate.
// The map throws once, at the first record it sees after the test arms `args.armed` (set when a
// checkpoint has completed), so the restart restores a checkpoint. The iterable stalls halfway
// with fillers (dropped before the count) until armed, so that the checkpoint falls mid-stream
// however slow the machine, and ends with fillers until the failure has fired. It records how many
// fillers it stalled with, and a later iteration (the restore) repeats exactly that many: the same
// sequence, as fromIterable requires.
import { defineJob, type KeyCount, valueState } from '../../../src/index.ts';

export interface IterableCountArgs {
  readonly count: number;
  readonly keys: number;
  /** Int32 [armed, fired, stall fillers]: the map throws once when armed and not yet fired. */
  readonly armed: SharedArrayBuffer;
  /** CPU per record, so that checkpoints fall mid-stream. */
  readonly busyMicros: number;
}

export const COUNT = valueState<number>('count');

const FILLER = '';

/** The word of record n. */
export function wordOf(n: number, keys: number): string {
  return `w${(n * 7919) % keys}`;
}

/** Re-iterable, as fromIterable requires: a restore iterates it again and skips what was read. */
function words(args: IterableCountArgs, flags: Int32Array): Iterable<string> {
  const half = Math.floor(args.count / 2);
  return {
    *[Symbol.iterator]() {
      for (let n = 0; n < half; n++) yield wordOf(n, args.keys);
      const stalled = Atomics.load(flags, 2);
      for (let i = 0; i < stalled; i++) yield FILLER;
      if (stalled === 0) {
        while (Atomics.load(flags, 0) === 0) {
          Atomics.add(flags, 2, 1);
          yield FILLER;
        }
      }
      for (let n = half; n < args.count; n++) yield wordOf(n, args.keys);
      for (let n = 0; n < 100_000_000 && Atomics.load(flags, 1) === 0; n++) yield FILLER;
    },
  };
}

export default defineJob<IterableCountArgs>((env, args) => {
  const flags = new Int32Array(args.armed);
  env
    .fromIterable(words(args, flags))
    .uid('words')
    .map((word: string) => {
      if (Atomics.load(flags, 0) === 1 && Atomics.compareExchange(flags, 1, 0, 1) === 0)
        throw new Error('injected failure after a checkpoint');
      const until = word === FILLER ? 0 : performance.now() + args.busyMicros / 1000;
      while (performance.now() < until);
      return word;
    })
    .uid('tag')
    .filter((word: string) => word !== FILLER)
    .keyBy((word: string) => word)
    .count<string>()
    .uid('counter')
    .filter((r: KeyCount<string>) => r.count < 0)
    .discard();
});
