/**
 * TypeScript job files for `weir run` when weir itself runs as JavaScript (the installed package):
 * the main thread imports the job from the bundle esbuild makes of it for the workers
 * (src/runtime/worker-bundle.ts), an ES module whatever the project's `type` (tsx's `register()`
 * fails in a CommonJS project with `ERR_REQUIRE_CYCLE_MODULE`), which imports `weir` as the
 * installed package: the same engine instance as the CLI's. esbuild is an optional peer dependency,
 * loaded on demand. From weir's TypeScript sources a loader is already registered (bin/weir.mjs).
 */
import { pathToFileURL } from 'node:url';
import { setJobImporter } from '../api/job-hooks.ts';
import { jobModuleError } from '../api/job-import.ts';
import { MissingDependencyError } from '../errors.ts';
import { bundleJobCode } from '../runtime/worker-bundle.ts';
import { TASK_WORKER } from '../runtime/worker-pool.ts';

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

/** Makes `file` importable as a job in this thread if it is TypeScript. */
export async function loadTypeScriptFor(file: string): Promise<void> {
  if (!TYPESCRIPT.test(file) || import.meta.url.endsWith('.ts')) return;
  const url = pathToFileURL(file).href;
  let bundled: string;
  try {
    const bundle = await bundleJobCode(TASK_WORKER, url);
    bundled = bundle.aliases.get(url)!;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && /'esbuild'/.test((error as Error).message))
      throw new MissingDependencyError('esbuild', 'Running a TypeScript job file', error);
    throw jobModuleError(error, url);
  }
  // An error thrown by the job's code then names the job's file and line, not the bundle's.
  process.setSourceMapsEnabled(true);
  setJobImporter((u) => import(u === url ? bundled : u));
}
