/**
 * Variant: plain worker_threads, no engine — the hardware's ceiling for this job, as a reference for
 * the others. `workers` threads each count the lines that start in an equal byte range of the file
 * (bench/pipeline/variants/threads-worker.ts: `readSync` in 64 KiB chunks, the same `countLine` as
 * every variant) and post their count maps back; the main thread merges them. The worker code is
 * bundled to JavaScript when the variant is made (untimed) and runs without tsx, as weir's does.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { compileForWorkers, workerExecArgv } from '../../support/compiled-worker.ts';
import type { WordCountOutcome, WordCountVariant } from '../variant.ts';
import { mergeCounts } from '../words.ts';
import type { RangeCounts, RangeTask } from './threads-worker.ts';

const workerModule = new URL('./threads-worker.ts', import.meta.url);

/** Runs one worker over `task`; settles once the worker has exited. */
function countInWorker(file: string, execArgv: string[], task: RangeTask): Promise<RangeCounts> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: task, execArgv });
    let result: RangeCounts | undefined;
    worker.once('message', (message: RangeCounts) => {
      result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else
        reject(new Error(`threads: the worker for bytes ${task.start}–${task.end} exited with code ${code}`));
    });
  });
}

export function threadsVariant(workers: number): WordCountVariant {
  const file = compileForWorkers(workerModule);
  const execArgv = workerExecArgv();
  return {
    name: 'threads',
    label: 'plain worker_threads, no engine',
    threads: `${workers} workers`,
    async run(path): Promise<WordCountOutcome> {
      const size = statSync(path).size;
      const tasks = Array.from({ length: workers }, (_, i) => ({
        path,
        size,
        start: Math.floor((i * size) / workers),
        end: Math.floor(((i + 1) * size) / workers),
      }));
      const [first, ...rest] = await Promise.all(tasks.map((task) => countInWorker(file, execArgv, task)));
      const counts = first?.counts ?? new Map<string, number>();
      let lines = first?.lines ?? 0;
      for (const partial of rest) {
        lines += partial.lines;
        mergeCounts(counts, partial.counts);
      }
      return { counts, lines };
    },
  };
}
