/**
 * The TypeScript modules that a job's worker threads load, transpiled once in the main thread and
 * handed to every worker (served there by `src/worker/ts-hooks.mjs`), so that no worker starts tsx.
 * Which modules: every TypeScript file statically reachable from the workers' entry and the job
 * module, found by esbuild's resolver (packages stay external). Transpiled by esbuild with each
 * file's tsconfig, kept per process and reused while a file's size and modification time stay the
 * same, so a test run or a restarted job transpiles each file once.
 *
 * Returns `undefined` (the workers then register tsx as before) when there is nothing to transpile
 * or something is outside what the light hooks handle: a CommonJS TypeScript file, or a module
 * graph that esbuild cannot resolve.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TS = /\.(?:ts|mts)$/;

interface Transpiled {
  readonly stamp: string;
  readonly code: string;
}

/** Transpiled modules by path. */
const transpiled = new Map<string, Transpiled>();
/** Module graphs by entry list: the TypeScript files reachable from those entries. */
const graphs = new Map<string, readonly string[]>();
/** `"type"` of the nearest package.json, by directory. */
const packageTypes = new Map<string, string | undefined>();

/**
 * The transpiled sources (file URL → ES module source) of the TypeScript modules reachable from
 * `entries` (file URLs), or `undefined` when the workers should register tsx instead.
 */
export async function workerSources(entries: readonly string[]): Promise<Map<string, string> | undefined> {
  const paths = entries.filter((e) => e.startsWith('file:') && TS.test(e)).map((e) => fileURLToPath(e));
  if (paths.length === 0) return undefined;
  try {
    const key = paths.join('\n');
    let files = graphs.get(key);
    if (!files || files.some((f) => stale(f))) {
      files = await reachableTypeScript(paths);
      graphs.set(key, files);
    }
    if (!files.every(isEsm)) return undefined;
    const todo = files.filter(stale);
    if (todo.length > 0) await transpile(todo);
    const sources = new Map<string, string>();
    for (const file of files) {
      const entry = transpiled.get(file);
      if (!entry) return undefined;
      sources.set(pathToFileURL(file).href, entry.code);
    }
    return sources;
  } catch {
    return undefined;
  }
}

function stampOf(path: string): string {
  const s = statSync(path);
  return `${s.size}:${s.mtimeMs}`;
}

function stale(path: string): boolean {
  return transpiled.get(path)?.stamp !== stampOf(path);
}

type Esbuild = typeof import('esbuild');

async function reachableTypeScript(entryPoints: readonly string[]): Promise<readonly string[]> {
  const esbuild: Esbuild = await import('esbuild');
  const cwd = process.cwd();
  const result = await esbuild.build({
    entryPoints: [...entryPoints],
    absWorkingDir: cwd,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: join(cwd, '.weir-graph'),
  });
  return Object.keys(result.metafile.inputs)
    .map((input) => join(cwd, input))
    .filter((path) => TS.test(path));
}

async function transpile(files: readonly string[]): Promise<void> {
  const esbuild: Esbuild = await import('esbuild');
  const stamps = new Map(files.map((f) => [f, stampOf(f)] as const));
  const cwd = process.cwd();
  const result = await esbuild.build({
    entryPoints: [...files],
    absWorkingDir: cwd,
    bundle: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: join(cwd, '.weir-transpiled'),
    outbase: '/',
  });
  const byOutput = new Map(result.outputFiles.map((o) => [o.path, o.text] as const));
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const file = join(cwd, meta.entryPoint);
    const code = byOutput.get(join(cwd, output));
    const stamp = stamps.get(file);
    if (code !== undefined && stamp !== undefined) transpiled.set(file, { stamp, code });
  }
}

/** A `.mts` file, or a `.ts` file in a package of `"type": "module"`. */
function isEsm(path: string): boolean {
  return path.endsWith('.mts') || packageType(dirname(path)) === 'module';
}

function packageType(dir: string): string | undefined {
  if (packageTypes.has(dir)) return packageTypes.get(dir);
  let type: string | undefined;
  try {
    type = String(
      (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type ?? '',
    );
  } catch {
    const parent = dirname(dir);
    type = parent === dir ? undefined : packageType(parent);
  }
  packageTypes.set(dir, type);
  return type;
}
