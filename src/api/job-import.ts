/**
 * The main thread's import of a job module (`executeJob`, `startJob`, `weir run`), with the errors
 * a user can act on: a missing file, a syntax error (file and line), TypeScript without a loader
 * (what to run instead). A TypeScript job compiled as CommonJS (tsx in a `"type": "commonjs"`
 * project) has its `export default` under `default.default`; it is unwrapped here.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { JobModuleError } from '../errors.ts';
import { jobImporter } from './job-hooks.ts';
import { isJobDefinition } from './job-loader.ts';

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;

/** Imports the job module at `url` (a file URL) through the thread's job importer. */
export async function importJobModule(url: string): Promise<{ default?: unknown }> {
  let imported: Record<string, unknown>;
  try {
    imported = await (jobImporter() ?? ((u: string) => import(u)))(url);
  } catch (error) {
    throw jobModuleError(error, url);
  }
  const inner = (imported['default'] as { default?: unknown } | undefined)?.default;
  if (!isJobDefinition(imported['default']) && isJobDefinition(inner)) return { default: inner };
  return imported;
}

/** A failure to import `url` as a {@link JobModuleError} when it is about the job module itself. */
export function jobModuleError(error: unknown, url: string): unknown {
  const path = url.startsWith('file:') ? fileURLToPath(url) : url;
  const e = error as NodeJS.ErrnoException & {
    errors?: { text: string; location?: { file: string; line: number; column: number } }[];
  };
  if (e?.code === 'ERR_UNKNOWN_FILE_EXTENSION' && TYPESCRIPT.test(path))
    return new JobModuleError(
      path,
      'is TypeScript, which Node cannot import without a loader: run it with `npx weir run`, ' +
        'or start node with `--import tsx` (npm install --save-dev tsx)',
      { cause: error },
    );
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && typeof e.message === 'string' && e.message.includes(path))
    return new JobModuleError(path, 'file not found', { cause: error });
  // esbuild (through tsx) reports where the TypeScript does not parse.
  const first = Array.isArray(e?.errors) ? e.errors[0] : undefined;
  if (first?.location)
    return new JobModuleError(
      path,
      `syntax error at ${first.location.file}:${first.location.line}:${first.location.column}: ${first.text}`,
      { cause: error },
    );
  if (error instanceof SyntaxError) {
    const where = syntaxErrorLine(path);
    return new JobModuleError(
      path,
      `syntax error ${where ? `at ${where}` : 'in a module it imports'}: ${error.message}`,
      { cause: error },
    );
  }
  return error;
}

/**
 * `file:line` of the syntax error in a JavaScript file, or undefined when the file parses: an
 * ES module's SyntaxError from `import()` carries no location, `node --check` prints it first.
 */
function syntaxErrorLine(path: string): string | undefined {
  // Loaded here, on an error path: `node:child_process` (with net and dgram) costs every thread that
  // imports the engine ~5 ms otherwise.
  const { spawnSync } = createRequire(import.meta.url)(
    'node:child_process',
  ) as typeof import('node:child_process');
  const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8', timeout: 30_000 });
  if (check.status === 0) return undefined;
  const first = check.stderr.split('\n')[0] ?? '';
  return /:\d+$/.test(first) ? first : undefined;
}
