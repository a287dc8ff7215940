// Module-loader hooks of a job's worker threads (registered by bootstrap.mjs through
// `module.register`): serve TypeScript modules as JavaScript that the main thread transpiled once for
// the whole job, so that a worker does not start tsx (its own hooks, an esbuild service, a transpile
// of every file). The modules keep their own `file:` URLs, so `import.meta.url` stays right and the
// job module and the engine share one module instance per URL, as they would under tsx.
//
// `initialize` receives `{ sources }`: a Map from file URL to transpiled ES module source. A
// TypeScript URL missing from it (a module imported dynamically under a computed name, a file that
// changed since) is transpiled here, on first use, with esbuild. Plain JavaScript passes through.

/** @type {Map<string, string>} */
let sources = new Map();
/** @type {Promise<typeof import('esbuild')> | undefined} */
let esbuild;

const TS = /\.(?:ts|mts)$/;

/** @param {{ sources?: Map<string, string> } | undefined} data */
export function initialize(data) {
  if (data?.sources instanceof Map) sources = data.sources;
}

/**
 * Relative specifiers written for a compiler (`./x.js` for `./x.ts`, or no extension) resolve to
 * the TypeScript file, as tsx does; everything else is Node's own resolution.
 */
export async function resolve(specifier, context, next) {
  // A relative import between modules the main thread transpiled names a file it already found:
  // no need for the default resolver's file-system checks.
  if (specifier.startsWith('.') && context.parentURL !== undefined && sources.has(context.parentURL)) {
    const url = new URL(specifier, context.parentURL).href;
    if (sources.has(url)) return { url, format: 'module', shortCircuit: true };
  }
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/^\.{1,2}\//.test(specifier) || !context.parentURL) {
      throw error;
    }
    for (const candidate of alternatives(specifier)) {
      try {
        return await next(candidate, context);
      } catch {
        // try the next candidate
      }
    }
    throw error;
  }
}

/** @param {string} specifier */
function alternatives(specifier) {
  const js = /\.(m?)js$/.exec(specifier);
  if (js) return [`${specifier.slice(0, -js[0].length)}.${js[1]}ts`];
  if (/\.[a-z]+$/i.test(specifier)) return [];
  return [`${specifier}.ts`, `${specifier}/index.ts`];
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !TS.test(url)) return next(url, context);
  const ready = sources.get(url);
  if (ready !== undefined) return { format: 'module', source: ready, shortCircuit: true };
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const path = fileURLToPath(url);
  const text = await readFile(path, 'utf8');
  esbuild ??= import('esbuild');
  const { code } = await (await esbuild).transform(text, {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: path,
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
  });
  sources.set(url, code);
  return { format: 'module', source: code, shortCircuit: true };
}
