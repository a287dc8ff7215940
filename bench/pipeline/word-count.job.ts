/**
 * The CPU-heavy job of the pipeline benchmark, as weir runs it: the corpus file's lines are read
 * by byte ranges, parsed, tokenised, keyed by word and counted. Run it in batch mode so that the
 * count emits one final record per word, collected under the uid `counts`.
 */
import { defineJob } from '../../src/index.ts';
import { parsePost, tokenise, type WordCount } from './words.ts';

/** Arguments of the job. */
export interface WordCountJobArgs {
  /** The corpus file. */
  readonly path: string;
}

export default defineJob<WordCountJobArgs>(
  (env, { path }) => {
    env
      .readTextFile(path)
      .name('read')
      .uid('read')
      .map(parsePost)
      .name('parse')
      .flatMap((post) => tokenise(post.text).map((word): WordCount => ({ word, count: 1 })))
      .name('tokenise')
      .keyBy('word')
      .sum('count')
      .name('count')
      .uid('count')
      .collect({ uid: 'counts', name: 'counts' });
  },
  { runtimeMode: 'batch' },
);
