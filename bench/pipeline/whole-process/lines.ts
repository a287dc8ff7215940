/**
 * The whole-process benchmark's input: line `n` is a JSON post made by a pure function of `n`
 * (its own seeded random stream), so that an in-job iterable, a splittable `fromGenerator`, a file
 * and every baseline produce the very same lines, in any order and in any thread. Words come from
 * the pipeline benchmark's vocabulary shape (5000 pseudo-words, Zipf exponent 1, 20-40 per line,
 * capitals and punctuation for the tokeniser to undo).
 */
import { LANGUAGES, makeVocabulary } from '../corpus.ts';
import { seededRandom, zipfSampler } from '../random.ts';

const VOCABULARY_SIZE = 5000;
const SEED = 20_251_207;

interface Words {
  readonly vocabulary: string[];
  readonly capitalised: string[];
  readonly nextRank: () => number;
}

// One shared cumulative table; each line draws from it with its own random stream.
let lineRandom: () => number = seededRandom(0);
// Built on the first line, not at import: every thread of a weir job imports this module, and
// only the source's thread makes lines (the vocabulary took ~40 ms of each thread's start-up).
let words: Words | undefined;

function makeWords(): Words {
  const vocabulary = makeVocabulary(VOCABULARY_SIZE, seededRandom(SEED));
  const capitalised = vocabulary.map((w) => w[0]!.toUpperCase() + w.slice(1));
  return { vocabulary, capitalised, nextRank: zipfSampler(vocabulary.length, 1, () => lineRandom()) };
}

/** Line `n` of the input (no trailing newline): the same string for the same `n`, everywhere. */
export function lineAt(n: number): string {
  words ??= makeWords();
  const { vocabulary, capitalised, nextRank } = words;
  const random = seededRandom((SEED ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
  lineRandom = random;
  const length = 20 + Math.floor(random() * 21);
  let text = '';
  let capital = true;
  for (let i = 0; i < length; i++) {
    const rank = nextRank();
    if (i !== 0) text += ' ';
    text += capital ? capitalised[rank]! : vocabulary[rank]!;
    const mark = random();
    capital = mark < 0.06;
    if (capital) text += '.';
    else if (mark < 0.12) text += ',';
  }
  const post = {
    id: n,
    user: `u${String(Math.floor(random() * 100_000)).padStart(5, '0')}`,
    ts: 1_700_000_000_000 + n * 37,
    lang: LANGUAGES[Math.floor(random() * LANGUAGES.length)],
    likes: Math.floor(random() * 1000),
    tags: [`t${Math.floor(random() * 50)}`, `t${Math.floor(random() * 50)}`],
    text: capital ? text : `${text}.`,
  };
  return JSON.stringify(post);
}

/** Lines 0 .. count-1, in order: what a user's in-job generator would yield. */
export function* generateLines(count: number): Generator<string> {
  for (let n = 0; n < count; n++) yield lineAt(n);
}

/** A re-iterable collection of the first `count` lines (iterated again after a restore). */
export function lineCollection(count: number): Iterable<string> {
  return { [Symbol.iterator]: () => generateLines(count) };
}
