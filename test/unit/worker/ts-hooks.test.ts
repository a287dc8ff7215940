// The workers' light loader hooks: TypeScript served from the main thread's transpiled sources,
// transpiled on first use when missing, JavaScript passed through, compiler-style specifiers
// (`./x.js` for `./x.ts`) resolved to the TypeScript file.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module without declarations (it runs before any TypeScript support).
import * as hooks from '../../../src/worker/ts-hooks.mjs';

interface LoadResult {
  format: string;
  source: string;
}
type Next = (url: string, context: unknown) => Promise<unknown>;
const { initialize, load, resolve } = hooks as {
  initialize(data: unknown): void;
  load(url: string, context: unknown, next: Next): Promise<LoadResult>;
  resolve(specifier: string, context: { parentURL?: string }, next: Next): Promise<{ url: string }>;
};

const here = new URL('./ts-hooks.test.ts', import.meta.url).href;
const murmur = new URL('../../../src/state/murmur3.ts', import.meta.url).href;

describe('ts-hooks', () => {
  it('serves a module from the sources it was given', async () => {
    initialize({ sources: new Map([['file:///job/a.ts', 'export const a = 1;']]) });
    const next: Next = () => Promise.reject(new Error('not called'));
    expect(await load('file:///job/a.ts', {}, next)).toMatchObject({
      format: 'module',
      source: 'export const a = 1;',
    });
  });

  it('transpiles a TypeScript module that is not in the sources', async () => {
    initialize({ sources: new Map() });
    const result = await load(murmur, {}, () => Promise.reject(new Error('not called')));
    expect(result.format).toBe('module');
    expect(result.source).toMatch(/class Murmur3Utf16/);
    expect(result.source).not.toMatch(/#h: number|\bvoid \{/);
  });

  it('passes JavaScript to the next hook', async () => {
    const got = await load('file:///x/a.mjs', {}, (url) =>
      Promise.resolve({ format: 'module', source: url }),
    );
    expect(got.source).toBe('file:///x/a.mjs');
  });

  it('resolves a relative import between given sources without the default resolver', async () => {
    initialize({
      sources: new Map([
        ['file:///job/a.ts', ''],
        ['file:///job/lib/b.ts', ''],
      ]),
    });
    const next: Next = () => Promise.reject(new Error('not called'));
    expect(await resolve('./lib/b.ts', { parentURL: 'file:///job/a.ts' }, next)).toMatchObject({
      url: 'file:///job/lib/b.ts',
      format: 'module',
    });
    await expect(resolve('./lib/c.ts', { parentURL: 'file:///job/a.ts' }, next)).rejects.toThrow(
      'not called',
    );
  });

  it('resolves ./x.js and extensionless specifiers to the TypeScript file when only that exists', async () => {
    const tried: string[] = [];
    const next: Next = (specifier) => {
      tried.push(specifier);
      if (specifier.endsWith('.ts')) return Promise.resolve({ url: new URL(specifier, here).href });
      return Promise.reject(Object.assign(new Error('missing'), { code: 'ERR_MODULE_NOT_FOUND' }));
    };
    expect((await resolve('./murmur3.js', { parentURL: here }, next)).url).toMatch(/murmur3\.ts$/);
    expect((await resolve('./murmur3', { parentURL: here }, next)).url).toMatch(/murmur3\.ts$/);
    expect(tried).toEqual(['./murmur3.js', './murmur3.ts', './murmur3', './murmur3.ts']);
    await expect(resolve('pkg', { parentURL: here }, next)).rejects.toThrow('missing');
  });
});
