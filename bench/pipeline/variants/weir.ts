/**
 * Variant: weir. Runs bench/pipeline/word-count.job.ts at a given parallelism in batch mode and
 * reads the collected final count of every word.
 */
import { executeJob, type KeyCount } from '../../../src/index.ts';
import type { WordCountVariant } from '../variant.ts';
import type { WordCountJobArgs } from '../word-count.job.ts';

const job = new URL('../word-count.job.ts', import.meta.url);

export function weirVariant(parallelism: number): WordCountVariant {
  return {
    name: `weir-p${parallelism}`,
    label: `weir, parallelism ${parallelism}`,
    // Batch mode runs by stages: read-parse-tokenise, then count-collect after the blocking
    // exchange, in the same threads.
    threads: parallelism === 1 ? '1 worker' : `${parallelism} workers`,
    async run(path) {
      const result = await executeJob<WordCountJobArgs>(job, {
        args: { path },
        environment: { parallelism, runtimeMode: 'batch' },
      });
      const counts = new Map<string, number>();
      for (const { key: word, count } of result.collected<KeyCount<string>>('counts')) {
        if (counts.has(word)) throw new Error(`weir-p${parallelism}: word "${word}" was emitted twice`);
        counts.set(word, count);
      }
      const lines = result.operators.find((o) => o.uid === 'read')?.records ?? Number.NaN;
      return { counts, lines };
    },
  };
}
