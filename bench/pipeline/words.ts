/**
 * The per-line work every variant does, written once so that the variants differ only in how they
 * move lines and counts around: parse a JSON line, tokenise its text into lowercase words, count.
 */

/** One line of the corpus, as parsed. */
export interface Post {
  readonly id: number;
  readonly user: string;
  readonly ts: number;
  readonly lang: string;
  readonly likes: number;
  readonly tags: readonly string[];
  readonly text: string;
}

const SEPARATORS = /[^a-z]+/;

/** Parses one JSON line. */
export function parsePost(line: string): Post {
  return JSON.parse(line) as Post;
}

/** The words of `text`: lowercased, split at anything that is not a letter a-z. */
export function tokenise(text: string): string[] {
  const parts = text.toLowerCase().split(SEPARATORS);
  const words: string[] = [];
  for (const part of parts) if (part.length > 0) words.push(part);
  return words;
}

/** Parses and tokenises `line` and adds its words to `counts`. */
export function countLine(line: string, counts: Map<string, number>): void {
  for (const word of tokenise(parsePost(line).text)) counts.set(word, (counts.get(word) ?? 0) + 1);
}

/** Adds the counts of `partial` (a thread's or a batch's) to `into`. */
export function mergeCounts(into: Map<string, number>, partial: ReadonlyMap<string, number>): void {
  for (const [word, n] of partial) into.set(word, (into.get(word) ?? 0) + n);
}
