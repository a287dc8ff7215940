// Word count over lines given as arguments: flatMap -> map -> keyBy -> sum -> collect.
import { defineJob } from '../../../src/index.ts';

export interface WordCountArgs {
  readonly lines: readonly string[];
  readonly chaining?: boolean;
}

export default defineJob<WordCountArgs>((env, args) => {
  env
    .fromArray(args.lines)
    .flatMap((line: string) => line.split(/\s+/).filter((w) => w.length > 0))
    .map((word: string) => ({ word, count: 1 }))
    .keyBy('word')
    .sum('count')
    .collect({ uid: 'counts' });
});
