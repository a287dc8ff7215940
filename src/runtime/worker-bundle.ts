/**
 * The code a job's worker threads run, bundled once in the main thread so that no worker starts a
 * TypeScript loader: esbuild bundles the workers' entry (task-worker) and the job module into ES
 * module files in a temporary directory, with the code they share in common chunks, so that in a
 * worker the job module and the engine it imports are one module instance each, as under tsx. Every
 * module keeps its own `import.meta.url` (replaced by its original file URL), packages stay
 * external (imported from where they are installed), and function and class names are kept. A
 * worker then loads a few files instead of starting a loader thread and resolving, loading and
 * compiling some 150 TypeScript modules through it (measured: ~0.3 s of CPU per worker down to
 * ~0.1 s). Workers import the job module through {@link moduleAliases}.
 *
 * Bundles are kept per process (keyed by the entries, rebuilt when a bundled file changes) in
 * directories named after the process id, removed when the process exits; directories left by
 * processes that no longer run (killed before their exit handlers) are removed by the next build. Returns `undefined` when there is no TypeScript to bundle or
 * bundling fails; the workers then register tsx as before. Limitation: a job module that imports a
 * TypeScript module under a computed name (`await import(name)`) needs that fallback: set
 * `WEIR_WORKER_BUNDLE=0`.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { UnsafeDirectoryError } from '../errors.ts';
import { createProcessDirectory, removeProcessDirectory } from '../util/ended-process-directories.ts';
import {
  type BundleRecipe,
  bundleCacheKey,
  restoreCachedBundle,
  storeBundle,
} from './worker-bundle-cache.ts';

/** How the workers load their code. */
export interface WorkerBundle {
  /** File URL of the bundled workers' entry. */
  readonly entry: string;
  /** Original module URL → bundled file URL (the entry and the job module). */
  readonly aliases: Map<string, string>;
  /** Whether esbuild ran for it, or its files came from the on-disk cache (worker-bundle-cache.ts). */
  readonly origin: 'built' | 'cache';
}

interface Built {
  readonly bundle: WorkerBundle;
  /** Every bundled source file with its size and modification time when bundled. */
  readonly stamps: ReadonlyMap<string, string>;
  readonly dir: string;
}

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/;
const ALIASES = Symbol.for('weir.worker.module-aliases');
const built = new Map<string, Built>();

/** The build options that shape the output (see {@link build}); part of the cache's content hash. */
const OPTIONS = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  keepNames: true,
  // Maps beside the files (read only when source maps are enabled): an error names the job's line.
  sourcemap: 'linked',
  outExtension: { '.js': '.mjs' },
} as const;

/** What the on-disk cache hashes besides the sources. */
function recipe(): BundleRecipe {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return {
    weirVersion: manifest.version,
    options: { ...OPTIONS, cwd: process.cwd(), plugins: [externalPackages.name, ownImportMeta.name] },
  };
}

/** The size and modification time of a file, or `missing`: a cheap check that it is unchanged. */
function stampOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * The bundle for workers whose entry is `entry` and whose job module is `jobModule` (file URLs), or
 * `undefined` when the workers should load them as they are (or through tsx).
 */
export async function workerBundle(entry: string, jobModule: string): Promise<WorkerBundle | undefined> {
  if (process.env['WEIR_WORKER_BUNDLE'] === '0') return undefined;
  if (!entry.startsWith('file:') || !jobModule.startsWith('file:')) return undefined;
  if (!TYPESCRIPT.test(entry) && !TYPESCRIPT.test(jobModule)) return undefined;
  try {
    return await bundleJobCode(entry, jobModule);
  } catch (error) {
    // A cache another user could write is refused loudly; anything else falls back to tsx.
    if (error instanceof UnsafeDirectoryError) throw error;
    return undefined;
  }
}

/**
 * {@link workerBundle} for a caller that needs the bundle (the CLI imports a TypeScript job from
 * it): rejects with esbuild's error (a syntax error of the job, with its location) or with the
 * failure to load esbuild.
 */
export async function bundleJobCode(entry: string, jobModule: string): Promise<WorkerBundle> {
  const key = `${entry}\n${jobModule}`;
  const previous = built.get(key);
  if (previous && [...previous.stamps].every(([file, stamp]) => stampOf(file) === stamp))
    return previous.bundle;
  if (previous) {
    built.delete(key);
    removeProcessDirectory(previous.dir);
  }
  const next = fromCache(entry, jobModule) ?? (await build(entry, jobModule));
  built.set(key, next);
  return next.bundle;
}

/** In a worker: the bundled file to import for `url`, if the job's code was bundled. */
export function moduleAliases(): ReadonlyMap<string, string> | undefined {
  return (globalThis as Record<symbol, ReadonlyMap<string, string> | undefined>)[ALIASES];
}

/** This process's directory for a bundle: removed when the process exits. */
function processDir(): string {
  return createProcessDirectory(tmpdir(), 'weir-workers-');
}

/** A bundle an earlier build (of this process or another) left in the on-disk cache, still valid. */
function fromCache(entry: string, jobModule: string): Built | undefined {
  const dir = processDir();
  let sources: string[] | undefined;
  try {
    sources = restoreCachedBundle(bundleCacheKey(entry, jobModule), dir, recipe());
  } finally {
    if (!sources) removeProcessDirectory(dir);
  }
  if (!sources) return undefined;
  const stamps = new Map(sources.map((file) => [file, stampOf(file)]));
  const url = (name: string) => pathToFileURL(join(dir, `${name}.mjs`)).href;
  const aliases = new Map([[jobModule, url('job')]]);
  // The built engine's JavaScript task worker is not bundled (see build).
  if (TYPESCRIPT.test(entry)) aliases.set(entry, url('task-worker'));
  return { bundle: { entry: aliases.get(entry) ?? entry, aliases, origin: 'cache' }, stamps, dir };
}

async function build(entry: string, jobModule: string): Promise<Built> {
  const esbuild = await import('esbuild');
  const dir = processDir();
  try {
    const result = await esbuild.build({
      // The built engine (dist/) is not bundled: the job imports it as a package, as task-worker does.
      entryPoints: TYPESCRIPT.test(entry)
        ? { 'task-worker': fileURLToPath(entry), job: fileURLToPath(jobModule) }
        : { job: fileURLToPath(jobModule) },
      ...OPTIONS,
      absWorkingDir: process.cwd(),
      outdir: dir,
      write: true,
      metafile: true,
      logLevel: 'silent',
      plugins: [externalPackages, ownImportMeta],
    });
    const outputs = Object.entries(result.metafile.outputs);
    const outputFor = (name: string): string => {
      const found = outputs.find(([path]) => path.endsWith(`/${name}.mjs`));
      if (!found) throw new Error(`esbuild wrote no ${name}.mjs`);
      return pathToFileURL(join(process.cwd(), found[0])).href;
    };
    // esbuild's own code and the project's compiler options shape the output too.
    const inputs = [
      ...Object.keys(result.metafile.inputs).map((input) => join(process.cwd(), input)),
      createRequire(import.meta.url).resolve('esbuild'),
      join(process.cwd(), 'tsconfig.json'),
    ];
    const stamps = new Map(inputs.map((file) => [file, stampOf(file)]));
    const aliases = new Map([[jobModule, outputFor('job')]]);
    if (TYPESCRIPT.test(entry)) aliases.set(entry, outputFor('task-worker'));
    // The cached copy must use the same file names: the entry chunks are named, shared ones hashed.
    if (
      aliases.get(jobModule)?.endsWith('/job.mjs') &&
      (!aliases.has(entry) || aliases.get(entry)?.endsWith('/task-worker.mjs'))
    )
      storeBundle(bundleCacheKey(entry, jobModule), dir, inputs, recipe());
    return { bundle: { entry: aliases.get(entry) ?? entry, aliases, origin: 'built' }, stamps, dir };
  } catch (error) {
    removeProcessDirectory(dir);
    throw error;
  }
}

/**
 * Packages are not bundled: a bare specifier becomes the file URL esbuild resolves it to (the
 * bundle lives elsewhere, so the specifier itself would not resolve from there).
 */
const externalPackages: Plugin = {
  name: 'weir-external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (
        args.pluginData === 'weir-inner' ||
        args.path.startsWith('node:') ||
        args.path.startsWith('file:')
      ) {
        return undefined;
      }
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'weir-inner',
      });
      if (resolved.errors.length > 0 || resolved.external || !resolved.path.startsWith('/')) return undefined;
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};

/** A module that reads `import.meta` gets its own file's URL, filename and dirname. */
const ownImportMeta: Plugin = {
  name: 'weir-own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.(?:[cm]?[jt]s|[jt]sx)$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const { transform } = await import('esbuild');
      const ext = extname(args.path).slice(1);
      const loader = ext.endsWith('x') ? (ext as 'tsx' | 'jsx') : ext.includes('t') ? 'ts' : 'js';
      const { code } = await transform(source, {
        loader,
        format: 'esm',
        target: 'node20',
        sourcefile: args.path,
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
        define: {
          'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
          'import.meta.filename': JSON.stringify(args.path),
          'import.meta.dirname': JSON.stringify(dirname(args.path)),
        },
      });
      return { contents: code, loader: 'js' };
    });
  },
};
