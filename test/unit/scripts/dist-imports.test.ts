// The check behind `npm run build`: what the built package imports must be installed with it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkDistImports, declarationSpecifiers, packageNameOf } from '../../../scripts/dist-imports.ts';

let dir: string;

function write(file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

const deps = new Set(['msgpackr', '@scope/runtime']);

describe('checkDistImports', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-dist-imports-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts built-ins, dependencies, the package itself and emitted relative files', async () => {
    write(
      'index.js',
      [
        "import { readFileSync } from 'node:fs';",
        "import { cpus } from 'os';",
        "import { pack } from 'msgpackr';",
        "import { x } from '@scope/runtime/sub';",
        "export * from './a/b.js';",
        "const self = () => import('weir');",
        'const later = (name) => import(name); // a computed name is not a literal: nothing to check',
        '// import { chart } from "vega"; a comment is no import',
        "const url = new URL('../bench/missing.ts', import.meta.url);",
      ].join('\n'),
    );
    write('a/b.js', "export const b = 1; const s = '/* not a comment */';");
    write('a/b.d.ts', 'export declare const b = 1;');
    write(
      'index.d.ts',
      [
        '/** Example: `import { StreamEnvironment } from "vega"` in a comment. */',
        "export * from './a/b.ts';",
        "export type P = import('msgpackr').Packr;",
        "import type { Readable } from 'node:stream';",
      ].join('\n'),
    );
    expect(await checkDistImports(dir, 'weir', deps)).toEqual([]);
  });

  it('names every import of a package that is not a dependency, and of a file not emitted', async () => {
    write(
      'index.js',
      "import 'vega';\nexport const f = () => import('tinybench');\nexport * from './gone.js';",
    );
    write('types.d.ts', "import type { Arbitrary } from 'fast-check';\nexport * from './missing.ts';");
    write('worker/boot.mjs', "import { x } from '@xmldom/xmldom/lib';");
    const problems = await checkDistImports(dir, 'weir', deps);
    expect(problems.map((p) => `${p.file} ${p.specifier}`).sort()).toEqual([
      'index.js ./gone.js',
      'index.js tinybench',
      'index.js vega',
      'types.d.ts ./missing.ts',
      'types.d.ts fast-check',
      'worker/boot.mjs @xmldom/xmldom/lib',
    ]);
    expect(problems.find((p) => p.specifier === 'vega')?.reason).toBe(
      "vega is not in the package's dependencies",
    );
  });
});

describe('declarationSpecifiers and packageNameOf', () => {
  it('reads reference directives, imports, re-exports and import types', () => {
    const source = [
      '/// <reference types="node" />',
      "import { A } from './a.js';",
      "export { B } from 'b-pkg';",
      'export type C = import("c-pkg/deep").C;',
      "import './side-effect.js';",
    ].join('\n');
    expect(declarationSpecifiers(source)).toEqual([
      'node',
      './a.js',
      'b-pkg',
      'c-pkg/deep',
      './side-effect.js',
    ]);
  });

  it('takes the package of a deep or scoped specifier', () => {
    expect(packageNameOf('msgpackr')).toBe('msgpackr');
    expect(packageNameOf('tsx/esm/api')).toBe('tsx');
    expect(packageNameOf('@xmldom/xmldom/lib/dom')).toBe('@xmldom/xmldom');
  });
});
