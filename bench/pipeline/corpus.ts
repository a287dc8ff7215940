/**
 * The benchmark's input: deterministic JSON lines, one post per line, whose `text` holds words
 * drawn from a generated vocabulary with a Zipf-like skew, with capitals and punctuation that the
 * tokeniser must undo. The generator counts every word it writes, so each variant's result is
 * checked against counts that no variant computed.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { seededRandom, zipfSampler } from './random.ts';

/** What to generate. */
export interface CorpusSpec {
  readonly lines: number;
  readonly vocabularySize: number;
  readonly zipfExponent: number;
  readonly minWordsPerLine: number;
  readonly maxWordsPerLine: number;
  readonly seed: number;
}

/** A generated input file and the word counts it must give. */
export interface Corpus {
  readonly path: string;
  readonly lines: number;
  readonly bytes: number;
  readonly words: number;
  /** Distinct words that occur, with their counts: the expected result of every variant. */
  readonly expected: ReadonlyMap<string, number>;
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ten',
  'su',
  'vo',
  'bel',
  'dri',
  'ne',
  'po',
  'sha',
  'gu',
  'fin',
  'te',
  'or',
];
/** The `lang` values of posts. */
export const LANGUAGES = ['en', 'nl', 'de', 'fr', 'es'];
/** Bytes of text gathered before each write. */
const WRITE_CHUNK = 1 << 20;

/** `size` distinct lowercase pseudo-words of one to four syllables, in a fixed order. */
export function makeVocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const syllables = 1 + Math.floor(random() * 4);
    let word = '';
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/** Writes the corpus to `path` (overwriting it) and returns its description. */
export function writeCorpus(spec: CorpusSpec, path: string): Corpus {
  const random = seededRandom(spec.seed);
  const vocabulary = makeVocabulary(spec.vocabularySize, random);
  const nextRank = zipfSampler(vocabulary.length, spec.zipfExponent, random);
  const counts = new Uint32Array(vocabulary.length);
  const span = spec.maxWordsPerLine - spec.minWordsPerLine + 1;
  const fd = openSync(path, 'w');
  let bytes = 0;
  let words = 0;
  let chunk = '';
  try {
    for (let id = 0; id < spec.lines; id++) {
      const length = spec.minWordsPerLine + Math.floor(random() * span);
      let text = '';
      let capital = true;
      for (let i = 0; i < length; i++) {
        const rank = nextRank();
        counts[rank]!++;
        const word = vocabulary[rank]!;
        text += i === 0 ? '' : ' ';
        text += capital ? word[0]!.toUpperCase() + word.slice(1) : word;
        const mark = random();
        capital = mark < 0.06;
        if (capital) text += '.';
        else if (mark < 0.12) text += ',';
      }
      words += length;
      const post = {
        id,
        user: `u${String(Math.floor(random() * 100_000)).padStart(5, '0')}`,
        ts: 1_700_000_000_000 + id * 37,
        lang: LANGUAGES[Math.floor(random() * LANGUAGES.length)],
        likes: Math.floor(random() * 1000),
        tags: [`t${Math.floor(random() * 50)}`, `t${Math.floor(random() * 50)}`],
        text: capital ? text : `${text}.`,
      };
      chunk += `${JSON.stringify(post)}\n`;
      if (chunk.length >= WRITE_CHUNK) {
        bytes += writeSync(fd, chunk);
        chunk = '';
      }
    }
    bytes += writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  const expected = new Map<string, number>();
  vocabulary.forEach((word, rank) => {
    if (counts[rank]! > 0) expected.set(word, counts[rank]!);
  });
  return { path, lines: spec.lines, bytes, words, expected };
}
