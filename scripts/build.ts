/**
 * `npm run build`: compiles `src/` to JavaScript, declarations and their maps in `dist/` (tsc with
 * tsconfig.build.json, the `.ts` import specifiers rewritten to `.js`), copies the sources that are
 * not TypeScript (the workers' `bootstrap.mjs`), bundles the entry points into `dist/bundle/`
 * (scripts/bundle-dist.ts: what users and workers load), then checks that nothing built imports a package
 * users would not have installed (scripts/dist-imports.ts). `--out-dir <dir>` builds elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleDist } from './bundle-dist.ts';
import { checkDistImports } from './dist-imports.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
const outDir = resolve(values['out-dir'] ?? join(root, 'dist'));
const src = join(root, 'src');

rmSync(outDir, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const compiled = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir],
  {
    stdio: 'inherit',
  },
);
if (compiled.status !== 0) {
  console.error(`build: tsc failed (${compiled.status ?? compiled.signal})`);
  process.exit(1);
}

// Every other file under src/ is needed at run time as it is (today only bootstrap.mjs).
let copied = 0;
for (const name of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
  if (/\.(?:[cm]?ts|tsx)$/.test(name) || !statSync(join(src, name)).isFile()) continue;
  cpSync(join(src, name), join(outDir, name));
  copied++;
}

await bundleDist(outDir);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const installed = new Set([
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
]);
const problems = await checkDistImports(outDir, pkg.name, installed);
if (problems.length > 0) {
  for (const p of problems) console.error(`build: ${p.file} imports "${p.specifier}": ${p.reason}`);
  console.error(`build: ${problems.length} import(s) in ${outDir} that an installed weir could not resolve`);
  process.exit(1);
}
console.log(
  `build: ${relative(root, outDir).startsWith('..') ? outDir : relative(root, outDir)} (${copied} non-TypeScript file(s) copied), imports checked`,
);
