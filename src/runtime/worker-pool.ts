/**
 * Starting a job's worker threads: the job's code bundled once for all threads (worker-bundle.ts),
 * the flags they may take, and the thread pool (thread-pool.ts) with as many threads as the
 * scheduling strategy asked for. The pool outlives execution attempts: a restart runs the new
 * attempt's subtasks in the threads that are already up, with the job module already loaded.
 */
import { fileURLToPath } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { nativeStringExtractor } from './msgpackr-native.ts';
import { ThreadPool } from './thread-pool.ts';
import { workerBundle } from './worker-bundle.ts';

const BOOTSTRAP = fileURLToPath(new URL('../worker/bootstrap.mjs', import.meta.url));
/** Defined by scripts/bundle-dist.ts in the bundled engine: its task worker, relative to this module. */
declare const WEIR_BUNDLED_TASK_WORKER: string | undefined;
/**
 * The task worker module: the bundle's when this is the bundled engine (so that a worker's engine
 * and its job's `import 'weir'` are the same module instance), else this module's sibling with its
 * own extension (`.ts` from source, `.js` from the tsc output).
 */
export const TASK_WORKER = new URL(
  typeof WEIR_BUNDLED_TASK_WORKER === 'string'
    ? WEIR_BUNDLED_TASK_WORKER
    : `../task/task-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
  import.meta.url,
).href;

/**
 * Starts the pool for a job whose module is `jobModule` (a file URL). TypeScript is bundled here
 * once for all threads (see worker-bundle.ts).
 */
export async function createWorkerPool(
  threads: number,
  resourceLimits: ResourceLimits | undefined,
  jobModule: string,
): Promise<ThreadPool> {
  const bundle = await workerBundle(TASK_WORKER, jobModule);
  const options = {
    threads,
    filename: BOOTSTRAP,
    // Unbundled, a TypeScript job needs tsx in the workers even when the engine is JavaScript (dist/).
    workerData: {
      ...(bundle
        ? { entry: bundle.entry, aliases: bundle.aliases }
        : { entry: TASK_WORKER, tsx: /\.[cm]?tsx?$/.test(jobModule) }),
      msgpackrExtractor: nativeStringExtractor(),
      weirPoolThread: true,
    },
    ...(resourceLimits ? { resourceLimits } : {}),
  } as const;
  if (!bundle) return new ThreadPool(options);
  // Workers inherit the process's flags; running the bundle, they need no tsx of their own.
  // Flags given explicitly are checked, unlike inherited ones: drop those a worker refuses
  // (per-process flags such as --max-semi-space-size), which Node names in its error.
  let execArgv = withoutTsx(process.execArgv);
  for (;;) {
    try {
      return new ThreadPool({ ...options, execArgv });
    } catch (error) {
      const refused = refusedFlags(error);
      const kept = execArgv.filter((arg) => !refused.includes(arg));
      if (kept.length === execArgv.length) throw error;
      execArgv = kept;
    }
  }
}

/** The flags named by Node's ERR_WORKER_INVALID_EXEC_ARGV, or none. */
export function refusedFlags(error: unknown): string[] {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') return [];
  const message = (error as Error).message;
  const colon = message.indexOf(': ');
  return colon < 0 ? [] : message.slice(colon + 2).split(', ');
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
