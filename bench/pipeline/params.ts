/**
 * Every parameter of the pipeline benchmark, in one place, with the reason for its value, and the
 * targets of the issue. The full run takes about two minutes on this 2-core machine; `--quick` is
 * a CI smoke run of well under 30 s.
 */
import { availableParallelism } from 'node:os';
import type { CorpusSpec } from './corpus.ts';
import type { PiscinaSettings } from './variants/piscina.ts';

export interface PipelineBenchParams {
  /** The generated input every word-count variant reads. */
  readonly corpus: CorpusSpec;
  /** Timed rounds; every trial runs once per round and the report gives the median. */
  readonly rounds: number;
  /** Whether every entry also runs over an empty input, to show its start-up and shutdown cost. */
  readonly emptyInput: boolean;
  /** Parallelisms at which weir runs the word count. */
  readonly weirParallelisms: readonly number[];
  /** Lines per array passed between the stages of the Node.js stream pipeline. */
  readonly streamBatchLines: number;
  /** Worker threads of the `threads` variant (plain worker_threads, no engine). */
  readonly plainThreads: number;
  readonly piscina: PiscinaSettings;
  /** The trivial job: records generated, distinct keys, parallelisms. */
  readonly trivial: {
    readonly records: number;
    readonly keys: number;
    readonly parallelisms: readonly number[];
  };
}

const cores = availableParallelism();

const common = {
  // 1 and 2 are the issue's; on a 2-core machine 2 is every core.
  weirParallelisms: [1, 2],
  // 64 lines (~22 KB) per array: the stream machinery then costs per batch, not per line. In a
  // sweep over 300 k lines (CPU s, median of 3): 16 → 3.05, 64 → 2.57, 256 → 2.76, 1024 → 3.15,
  // 4096 → 4.56 (larger arrays likely no longer stay in cache from one stage to the next).
  streamBatchLines: 64,
  // One per core: the most this machine can do in parallel, the ceiling the others are read against.
  plainThreads: cores,
  piscina: {
    // One pool thread per core, as piscina's default maxThreads does on this machine.
    threads: cores,
    // 4000 lines (~1.3 MB, ~25 ms of work) per task: each task returns a partial map of most of the
    // 5000 words, so fewer, larger tasks clone and merge less. Sweep over 300 k lines (wall s,
    // median of 3): 500 → 3.28, 1000 → 2.70, 4000 → 2.35, 16 000 → 2.51.
    batchLines: 4000,
    // Two tasks queued per thread keep every thread busy while the main thread reads and merges.
    maxInFlight: 2 * cores,
  },
} as const;

const corpusShape = {
  // A 5000-word vocabulary with Zipf exponent 1: the commonest word is ~11 % of all words, as in
  // English text, so the keyed count sees hot keys; 20-40 words per line give ~340-byte lines.
  vocabularySize: 5000,
  zipfExponent: 1,
  minWordsPerLine: 20,
  maxWordsPerLine: 40,
  seed: 20_251_123,
} as const;

/** The full run, recorded in docs/benchmarks/pipeline.md. */
export const FULL: PipelineBenchParams = {
  ...common,
  // 400 k lines (~136 MB, 12 M words): ~3 s for the single-threaded baseline, so that ~0.3 s of
  // thread start-up does not decide the comparison; more would push weir's runs past a minute.
  corpus: { ...corpusShape, lines: 400_000 },
  // Five rounds: the speed of this VM's cores drifts by 15-30 % from minute to minute, so that the
  // median of three rounds moved the word-count ratio between 1.46x and 1.78x from one run to the
  // next (07:34-07:36 UTC, same commit); five rounds take about two minutes.
  rounds: 5,
  emptyInput: true,
  // 10 M records: ~3 s at the target rate, several times the start-up of four compiled workers
  // (the empty-input run shows it; "w/o start-up" takes it out).
  trivial: { records: 10_000_000, keys: 1000, parallelisms: [1, 2] },
};

/** `--quick`: the same experiment, small enough for a CI smoke test. */
export const QUICK: PipelineBenchParams = {
  ...common,
  corpus: { ...corpusShape, lines: 20_000 },
  rounds: 1,
  // Start-up is measured by the full run; the smoke run saves those seconds.
  emptyInput: false,
  // Parallelism 2 only: every weir job pays seconds of worker start-up, and p = 2 is the target's.
  trivial: { records: 500_000, keys: 1000, parallelisms: [2] },
};

/** The targets of the issue, checked at the end of every run. */
export const TARGETS = {
  /** weir at parallelism 2 over the single-threaded Node.js pipeline, CPU-heavy job. */
  weirP2OverNode: 1.7,
  /** weir at parallelism 2 must be ahead of piscina (speed-up over it above 1). */
  weirP2OverPiscina: 1,
  /** Trivial job at parallelism 2, records per second. */
  trivialRecordsPerSecond: 3_000_000,
} as const;
