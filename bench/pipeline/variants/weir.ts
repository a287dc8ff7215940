/**
 * Variant: weir. Runs bench/pipeline/word-count.job.ts at a given parallelism in batch mode and
 * reads the collected final count of every word.
 */
import type { KeyCount } from '../../../src/index.ts';
import { executeWatched } from '../dashboard-viewer.ts';
import type { WordCountVariant } from '../variant.ts';
import type { WordCountJobArgs } from '../word-count.job.ts';

const job = new URL('../word-count.job.ts', import.meta.url);

/**
 * weir at `parallelism`; `pipelined` runs the batch job with every subtask at once over rings
 * (`batchShuffleMode: 'pipelined'`, weir's batch execution before stages) instead of by stages.
 */
export function weirVariant(parallelism: number, pipelined = false): WordCountVariant {
  const threads = pipelined ? 2 * parallelism : parallelism;
  return {
    name: `weir-p${parallelism}${pipelined ? '-pipelined' : ''}`,
    label: `weir, parallelism ${parallelism}${pipelined ? ', pipelined' : ''}`,
    // By stages, read-parse-tokenise and then count-collect (after the blocking exchange) run in
    // the same threads; pipelined, each has threads of its own.
    threads: threads === 1 ? '1 worker' : `${threads} workers`,
    async run(path) {
      const result = await executeWatched<WordCountJobArgs>(job, {
        args: { path },
        environment: {
          parallelism,
          runtimeMode: 'batch',
          ...(pipelined ? { batchShuffleMode: 'pipelined' as const } : {}),
        },
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
