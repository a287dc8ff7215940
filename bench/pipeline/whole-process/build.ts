/**
 * Builds what the whole-process trials run, untimed, once per benchmark run: weir compiled as the
 * package ships it (`scripts/build.ts --out-dir`), and each entry script bundled to one `.mjs`
 * whose weir import points at that build. The directory lives under `node_modules/` so that the
 * build resolves msgpackr, piscina, ... from the checkout, as an installed package would.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

/** Entry scripts, by output name. */
const ENTRIES = {
  loop: 'entry-loop.ts',
  'node-stream': 'entry-node-stream.ts',
  piscina: 'entry-piscina.ts',
  'piscina-task': '../variants/piscina-task.ts',
  weir: 'entry-weir.ts',
  job: 'job.ts',
  empty: 'entry-empty.ts',
} as const;

/** A built set of entries; `remove()` deletes it. */
export interface BuiltEntries {
  readonly dir: string;
  entry(name: keyof typeof ENTRIES): string;
  /** The `weir` command, as installed next to the build (it loads `dist/bundle/cli.js`). */
  readonly cli: string;
  remove(): void;
}

/** weir's `src/index.ts` becomes what the package exports (`dist/bundle/index.js`), left as an import. */
function weirFromDist(distIndex: string): Plugin {
  return {
    name: 'weir-from-dist',
    setup(b) {
      b.onResolve({ filter: /\/src\/index\.ts$/ }, () => ({ path: distIndex, external: true }));
    },
  };
}

export async function buildEntries(): Promise<BuiltEntries> {
  const dir = mkdtempSync(join(root, 'node_modules', '.weir-bench-whole-'));
  const dist = join(dir, 'dist');
  const built = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/build.ts'), '--out-dir', dist],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (built.status !== 0) throw new Error(`building weir into ${dist} failed (${built.status})`);
  await build({
    entryPoints: Object.entries(ENTRIES).map(([out, input]) => ({ out, in: join(here, input) })),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    plugins: [weirFromDist(join(dist, 'bundle', 'index.js'))],
    logLevel: 'silent',
  });
  cpSync(join(root, 'bin', 'weir.mjs'), join(dir, 'bin', 'weir.mjs'));
  return {
    dir,
    cli: join(dir, 'bin', 'weir.mjs'),
    entry: (name) => join(dir, `${name}.mjs`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
