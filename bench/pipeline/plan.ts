/**
 * The benchmark's plan: one entry per row of the report (a word-count variant or a trivial-job
 * parallelism), each with the trial that does the full-size work and, when start-up is measured,
 * a twin trial over an empty input (empty file, or zero records).
 */
import { checkCounts } from './check.ts';
import type { Corpus } from './corpus.ts';
import type { PipelineBenchParams } from './params.ts';
import type { Trial } from './trials.ts';
import { runTrivial } from './trivial.ts';
import type { WordCountVariant } from './variant.ts';

/** One row of the report and the trials that measure it. */
export interface Entry {
  readonly id: string;
  readonly label: string;
  readonly threads: string;
  /** What one unit of work is, and how many units the full trial processes. */
  readonly unit: 'line' | 'record';
  readonly units: number;
  readonly full: Trial;
  readonly empty: Trial | undefined;
}

function wordCountTrial(name: string, variant: WordCountVariant, corpus: Corpus): Trial {
  return { name, run: async () => checkCounts(variant.name, corpus, await variant.run(corpus.path)) };
}

export function wordCountEntries(
  params: PipelineBenchParams,
  variants: readonly WordCountVariant[],
  corpus: Corpus,
  emptyCorpus: Corpus,
): Entry[] {
  return variants.map((v) => ({
    id: v.name,
    label: v.label,
    threads: v.threads,
    unit: 'line',
    units: corpus.lines,
    full: wordCountTrial(v.name, v, corpus),
    empty: params.emptyInput ? wordCountTrial(`${v.name} (empty input)`, v, emptyCorpus) : undefined,
  }));
}

export function trivialEntries(params: PipelineBenchParams): Entry[] {
  const { records, keys } = params.trivial;
  return params.trivial.parallelisms.map((p) => ({
    id: `trivial-p${p}`,
    label: `weir, parallelism ${p}`,
    // The generator's chain and the sum-discard chain, per parallel instance.
    threads: `${2 * p} workers`,
    unit: 'record',
    units: records,
    full: { name: `trivial-p${p}`, run: () => runTrivial(p, { records, keys }) },
    empty: params.emptyInput
      ? { name: `trivial-p${p} (empty input)`, run: () => runTrivial(p, { records: 0, keys }) }
      : undefined,
  }));
}

/** Every trial of the entries: the full-size ones first, then their empty-input twins. */
export function trialsOf(entries: readonly Entry[]): Trial[] {
  return [...entries.map((e) => e.full), ...entries.flatMap((e) => (e.empty ? [e.empty] : []))];
}
