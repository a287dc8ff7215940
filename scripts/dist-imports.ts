/**
 * Checks what the built package imports: every bare module specifier in `dist/` (JavaScript and
 * declarations) must name a Node.js built-in, the package itself or one of its `dependencies` (a
 * devDependency is not installed where users install weir), and every relative specifier must name
 * a file that the build emitted. JavaScript is read with esbuild's parser (static imports, re-exports
 * and dynamic imports of string literals); declaration files, which tsc writes in a regular form,
 * with regular expressions once comments are removed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

/** A specifier that users' installations could not resolve. */
export interface ImportProblem {
  /** The importing file, relative to the checked directory. */
  readonly file: string;
  readonly specifier: string;
  readonly reason: string;
}

/** The package name of a bare specifier: `a` of `a/b`, `@s/a` of `@s/a/b`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** The module specifiers a declaration file (`.d.ts`) refers to. */
export function declarationSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*\/\/\/\s*<reference\s+types\s*=\s*["']([^"']+)["']/gm)) {
    found.push(m[1] as string);
  }
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of code.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

/** The module specifiers of JavaScript files (absolute paths), by file, as esbuild parses them. */
export async function javascriptSpecifiers(files: readonly string[]): Promise<Map<string, string[]>> {
  const esbuild = await import('esbuild');
  const found = new Map<string, string[]>(files.map((f) => [f, []]));
  await esbuild.build({
    entryPoints: [...files],
    bundle: true,
    write: false,
    outdir: '/weir-dist-imports-unused',
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [
      {
        name: 'weir-record-imports',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            found.get(args.importer)?.push(args.path);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

const BUILTINS = new Set(builtinModules);

/**
 * The problems of the built package in `dir`, whose own name is `self` and whose installed
 * packages are `dependencies`.
 */
export async function checkDistImports(
  dir: string,
  self: string,
  dependencies: ReadonlySet<string>,
): Promise<ImportProblem[]> {
  const root = resolve(dir);
  const files = filesUnder(root);
  const byFile = await javascriptSpecifiers(files.filter((f) => /\.[cm]?js$/.test(f)));
  for (const file of files.filter((f) => /\.d\.[cm]?ts$/.test(f))) {
    byFile.set(file, declarationSpecifiers(readFileSync(file, 'utf8')));
  }
  const emitted = new Set(files);
  const problems: ImportProblem[] = [];
  for (const [file, specifiers] of byFile) {
    for (const specifier of specifiers) {
      const reason = problemOf(file, specifier, emitted, self, dependencies);
      if (reason) problems.push({ file: relative(root, file), specifier, reason });
    }
  }
  return problems;
}

function problemOf(
  file: string,
  specifier: string,
  emitted: ReadonlySet<string>,
  self: string,
  dependencies: ReadonlySet<string>,
): string | undefined {
  if (specifier.startsWith('.')) {
    const target = resolve(dirname(file), specifier);
    // In a declaration, `./x.js` and `./x.ts` (tsc keeps the source's extension there) mean `./x.d.ts`.
    const declaration = /\.d\.[cm]?ts$/.test(file) ? target.replace(/\.([cm]?)[jt]s$/, '.d.$1ts') : target;
    return emitted.has(target) || emitted.has(declaration) ? undefined : 'names no file of the build';
  }
  if (specifier.startsWith('node:') || BUILTINS.has(specifier)) return undefined;
  if (specifier.startsWith('/') || /^[a-z]+:/.test(specifier)) return 'is an absolute path or URL';
  const name = packageNameOf(specifier);
  if (name === self || dependencies.has(name)) return undefined;
  return `${name} is not in the package's dependencies`;
}
