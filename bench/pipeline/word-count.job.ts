/**
 * The CPU-heavy job of the pipeline benchmark, as weir runs it: the corpus file's lines are read
 * by byte ranges, parsed, tokenised into word strings, keyed by the word itself and counted with
 * `count()` (no `{ word, count: 1 }` object per word; in batch mode the producers count per word
 * before the exchange). Run it in batch mode so that the count emits one final `{ key, count }` per
 * word, collected under the uid `counts`.
 */
import { defineJob } from '../../src/index.ts';
import { countWords } from './count-words.ts';

/** Arguments of the job. */
export interface WordCountJobArgs {
  /** The corpus file. */
  readonly path: string;
}

export default defineJob<WordCountJobArgs>(
  (env, { path }) => {
    env;
    countWords(env.readTextFile(path).name('read').uid('read')).collect({ uid: 'counts', name: 'counts' });
  },
  { runtimeMode: 'batch' },
);
