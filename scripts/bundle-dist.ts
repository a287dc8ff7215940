/**
 * The engine as users load it: after tsc has written `dist/`, esbuild bundles its three entry
 * points (the public `index`, the workers' `task-worker`, the CLI's `cli`) into `dist/bundle/`,
 * with the code they share in common chunks. A worker thread then loads a handful of files instead
 * of resolving and compiling some 180 modules (about 0.1 s of CPU per thread on the development
 * machine), and a job module's `import 'weir'` and its worker's engine are one module instance,
 * because both are the bundle. Dynamic imports stay lazy (their own chunks); packages stay
 * external. Every module keeps its own `import.meta.url`, rewritten relative to the bundle, so
 * paths found from it (the workers' bootstrap, native modules) are those of `dist/`.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** The entry points of the bundle, by output name, as files of the tsc output. */
const ENTRIES = { index: 'index.js', 'task-worker': 'task/task-worker.js', cli: 'cli/main.js' } as const;

/** Where the bundle goes, inside the build directory; worker-pool.ts finds its task worker there. */
export const BUNDLE_DIR = 'bundle';

/** A module of `dist` that reads `import.meta.url` gets its original file's URL. */
function ownImportMeta(distDir: string, bundleDir: string): Plugin {
  return {
    name: 'weir-own-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(distDir)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const own = JSON.stringify(relative(bundleDir, args.path).split('\\').join('/'));
        return {
          // Through an alias: the define below rewrites every `import.meta.url` written as such.
          contents: `const __weirMeta = import.meta;\nconst __weirOwnUrl = new URL(${own}, __weirMeta.url).href;\n${source}`,
          loader: 'js',
          resolveDir: join(args.path, '..'),
        };
      });
    },
  };
}

/** Bundles the tsc output in `distDir` into `distDir/bundle`. */
export async function bundleDist(distDir: string): Promise<void> {
  const bundleDir = join(distDir, BUNDLE_DIR);
  await build({
    entryPoints: Object.entries(ENTRIES).map(([out, file]) => ({ out, in: join(distDir, file) })),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    sourcemap: true,
    outdir: bundleDir,
    chunkNames: 'chunk-[hash]',
    define: {
      'import.meta.url': '__weirOwnUrl',
      WEIR_BUNDLED_TASK_WORKER: JSON.stringify(`../${BUNDLE_DIR}/task-worker.js`),
    },
    plugins: [ownImportMeta(distDir, bundleDir)],
    logLevel: 'warning',
  });
}
