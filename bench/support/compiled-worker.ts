/**
 * Benchmark code that worker threads run as compiled JavaScript, without tsx. `npm run bench` runs
 * Node with `--import tsx`, and workers inherit the process's flags: a worker started as it is
 * would register tsx (~50–60 ms of CPU per worker here) before its first line of work. weir's own
 * workers run an esbuild bundle with tsx stripped from their flags (src/runtime/worker-pool.ts);
 * {@link compileForWorkers} and {@link workerExecArgv} give the benchmark's non-weir worker
 * variants the same footing.
 */
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { refusedFlags, withoutTsx } from '../../src/runtime/worker-pool.ts';
import { createProcessDirectory } from '../../src/util/ended-process-directories.ts';

const compiled = new Map<string, string>();
let dir: string | undefined;

/**
 * Bundles `module` (a TypeScript file URL) and everything it imports into one ES module file and
 * returns that file's path; built once per process (synchronously: call it outside timed code).
 */
export function compileForWorkers(module: URL): string {
  const source = fileURLToPath(module);
  const done = compiled.get(source);
  if (done !== undefined) return done;
  // One directory per process, removed when it exits (and by later processes if it could not be).
  dir ??= createProcessDirectory(tmpdir(), 'weir-bench-workers-');
  const outfile = join(dir, `${basename(source, extname(source))}.mjs`);
  buildSync({
    entryPoints: [source],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    keepNames: true,
    outfile,
    logLevel: 'silent',
  });
  compiled.set(source, outfile);
  return outfile;
}

let execArgv: string[] | undefined;

/**
 * The flags to start workers with: the process's minus tsx, and minus those a worker refuses (flags
 * given explicitly are checked, unlike inherited ones: per-process and V8 flags such as
 * `--expose-gc`, which `npm run bench` passes). Found once per process by starting a probe worker
 * (call it outside timed code); Node names the refused flags in its ERR_WORKER_INVALID_EXEC_ARGV.
 */
export function workerExecArgv(): string[] {
  if (execArgv === undefined) {
    const flags = withoutTsx(process.execArgv);
    try {
      void new Worker('', { eval: true, execArgv: flags }).terminate();
      execArgv = flags;
    } catch (error) {
      const refused = refusedFlags(error);
      if (refused.length === 0) throw error;
      execArgv = flags.filter((flag) => !refused.includes(flag));
    }
  }
  return [...execArgv];
}
