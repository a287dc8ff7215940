/**
 * The worker threads of a job: a piscina pool with exactly one thread per subtask, each running
 * one long task (the subtask) at a time. The pool outlives execution attempts: a restart submits
 * the new attempt's subtasks to the threads that are already up (with the job module already
 * loaded), and piscina replaces any thread that died or was terminated.
 */
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { workerSources } from './worker-sources.ts';

const BOOTSTRAP = fileURLToPath(new URL('../worker/bootstrap.mjs', import.meta.url));
/** The task worker module, with this module's own extension (`.ts` from source, `.js` when built). */
const TASK_WORKER = new URL(
  `./task-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
  import.meta.url,
).href;

/**
 * Starts the pool for a job whose module is `jobModule` (a file URL). TypeScript modules are
 * transpiled here once for all threads (see worker-sources.ts).
 */
export async function createWorkerPool(
  threads: number,
  resourceLimits: ResourceLimits | undefined,
  jobModule: string,
): Promise<Piscina> {
  const sources = await workerSources([TASK_WORKER, jobModule]);
  return new Piscina({
    filename: BOOTSTRAP,
    workerData: { entry: TASK_WORKER, ...(sources ? { sources } : {}) },
    // Workers inherit the process's flags; with the sources at hand they need no tsx of their own.
    ...(sources ? { execArgv: withoutTsx(process.execArgv) } : {}),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    // The subtask's own event loop must stay free between tasks and during them.
    atomics: 'disabled',
    maxQueue: threads,
    ...(resourceLimits ? { resourceLimits } : {}),
  });
}

/** `execArgv` without the flags that load tsx (`--import tsx`, `--loader=tsx`, `--require tsx/cjs`...). */
export function withoutTsx(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    const flag = /^--(?:import|loader|experimental-loader|require)(?:=(.*))?$/.exec(arg) ?? /^-r$/.exec(arg);
    if (flag) {
      const value = flag[1] ?? execArgv[i + 1];
      if (value !== undefined && /^tsx(?:\/|$)/.test(value)) {
        if (flag[1] === undefined) i++;
        continue;
      }
    }
    kept.push(arg);
  }
  return kept;
}
