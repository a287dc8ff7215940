/**
 * The correctness check: every variant's word counts (and lines read) must equal the counts the
 * corpus generator wrote. A mismatch stops the benchmark with the first differences, because a
 * fast wrong answer is not a result.
 */
import type { Corpus } from './corpus.ts';
import type { WordCountOutcome } from './variant.ts';

const SHOWN_DIFFERENCES = 5;

/** Throws naming `variant` and its first differences unless `outcome` matches the corpus. */
export function checkCounts(variant: string, corpus: Corpus, outcome: WordCountOutcome): void {
  const problems: string[] = [];
  if (outcome.lines !== corpus.lines) problems.push(`read ${outcome.lines} lines, expected ${corpus.lines}`);
  if (outcome.counts.size !== corpus.expected.size) {
    problems.push(`counted ${outcome.counts.size} distinct words, expected ${corpus.expected.size}`);
  }
  for (const [word, expected] of corpus.expected) {
    if (problems.length >= SHOWN_DIFFERENCES) break;
    const got = outcome.counts.get(word);
    if (got !== expected) problems.push(`"${word}": ${got ?? 'missing'}, expected ${expected}`);
  }
  for (const word of outcome.counts.keys()) {
    if (problems.length >= SHOWN_DIFFERENCES) break;
    if (!corpus.expected.has(word)) problems.push(`"${word}" counted but not in the corpus`);
  }
  if (problems.length > 0) {
    throw new Error(`${variant} gave wrong word counts:\n  ${problems.join('\n  ')}`);
  }
}
