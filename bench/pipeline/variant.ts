/**
 * The neutral adaptor through which the benchmark runs every implementation of the word count:
 * each variant gets the corpus file's path and returns its word counts, and the harness times it
 * from the call to the settled result (thread start-up and shutdown included).
 */

/** What a variant hands back: its counts and the lines it read, for the correctness check. */
export interface WordCountOutcome {
  readonly counts: ReadonlyMap<string, number>;
  readonly lines: number;
}

/** One implementation of the CPU-heavy word count. */
export interface WordCountVariant {
  /** Stable name, used in `--variants` and in the JSON. */
  readonly name: string;
  /** What it is, for the table. */
  readonly label: string;
  /** The threads it keeps busy, for the table. */
  readonly threads: string;
  /** Counts the words of the corpus at `path`. */
  run(path: string): Promise<WordCountOutcome>;
}
