/**
 * The word count's operators after its source, as every weir variant of the pipeline benchmark
 * declares them: parse each JSON line, tokenise its text, key by the word itself and `count()` (no
 * `{ word, count: 1 }` object per word).
 */
import type { DataStream, KeyCount } from '../../src/index.ts';
import { parsePost, tokenise } from './words.ts';

/** `lines` → parse → tokenise → keyBy(word) → count, with the names and uid the reports use. */
export function countWords(lines: DataStream<string>): DataStream<KeyCount<string>> {
  return lines
    .map(parsePost)
    .name('parse')
    .flatMap((post) => tokenise(post.text))
    .name('tokenise')
    .keyBy((word) => word)
    .count<string>()
    .name('count')
    .uid('count');
}
