/**
 * Variant: piscina. The main thread reads and splits the corpus into batches of lines; each batch
 * is a task that a pool worker parses, tokenises and counts, returning a partial count map that
 * the main thread merges. At most `maxInFlight` tasks are outstanding, so memory stays bounded as
 * it does with weir's rings.
 */
import { Piscina } from 'piscina';
import { entryOf, WORKER_BOOTSTRAP } from '../../support/worker.ts';
import { readText, splitLines } from '../lines.ts';
import type { WordCountVariant } from '../variant.ts';

const taskModule = new URL('./piscina-task.ts', import.meta.url);

/** Settings of the piscina variant (see params.ts for their values). */
export interface PiscinaSettings {
  readonly threads: number;
  readonly batchLines: number;
  readonly maxInFlight: number;
}

function merge(into: Map<string, number>, partial: ReadonlyMap<string, number>): void {
  for (const [word, n] of partial) into.set(word, (into.get(word) ?? 0) + n);
}

export function piscinaVariant(settings: PiscinaSettings): WordCountVariant {
  return {
    name: 'piscina',
    label: `piscina, ${settings.batchLines} lines per task`,
    threads: `1 (main) + ${settings.threads}`,
    async run(path) {
      const pool = new Piscina<readonly string[], Map<string, number>>({
        filename: WORKER_BOOTSTRAP,
        workerData: { entry: entryOf(taskModule) },
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
            merge(counts, partial);
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
