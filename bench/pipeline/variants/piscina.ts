/**
 * Variant: piscina. The main thread reads and splits the corpus into batches of lines; each batch
 * is a task that a pool worker parses, tokenises and counts, returning a partial count map that
 * the main thread merges. At most `maxInFlight` tasks are outstanding, so memory stays bounded as
 * it does with weir's rings. The task module is bundled to JavaScript when the variant is made
 * (untimed) and the pool's threads run without tsx, as weir's do.
 */
import { Piscina } from 'piscina';
import { compileForWorkers, workerExecArgv } from '../../support/compiled-worker.ts';
import { readText, splitLines } from '../lines.ts';
import type { WordCountVariant } from '../variant.ts';
import { mergeCounts } from '../words.ts';

const taskModule = new URL('./piscina-task.ts', import.meta.url);

/** Settings of the piscina variant (see params.ts for their values). */
export interface PiscinaSettings {
  readonly threads: number;
  readonly batchLines: number;
  readonly maxInFlight: number;
}

export function piscinaVariant(settings: PiscinaSettings): WordCountVariant {
  const filename = compileForWorkers(taskModule);
  const execArgv = workerExecArgv();
  return {
    name: 'piscina',
    label: `piscina, ${settings.batchLines} lines per task`,
    threads: `1 (main) + ${settings.threads}`,
    async run(path) {
      const pool = new Piscina<readonly string[], Map<string, number>>({
        filename,
        execArgv,
        minThreads: settings.threads,
        maxThreads: settings.threads,
        idleTimeout: Number.POSITIVE_INFINITY,
      });
      const counts = new Map<string, number>();
      let lines = 0;
      try {
        const inFlight = new Set<Promise<void>>();
        for await (const batch of splitLines(settings.batchLines)(readText(path))) {
          lines += batch.length;
          const task: Promise<void> = pool.run(batch).then((partial) => {
            mergeCounts(counts, partial);
            inFlight.delete(task);
          });
          inFlight.add(task);
          if (inFlight.size >= settings.maxInFlight) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      } finally {
        await pool.destroy();
      }
      return { counts, lines };
    },
  };
}
