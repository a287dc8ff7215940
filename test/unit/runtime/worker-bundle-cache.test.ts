// The on-disk cache of worker bundles: an entry is used while its source files are unchanged; a
// torn, foreign or half-removed entry is a miss, never an error; replacing an entry drops the old files.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bundleCacheKey,
  bundleCacheRoot,
  restoreCachedBundle,
  stampOf,
  storeBundle,
} from '../../../src/runtime/worker-bundle-cache.ts';

let scratch: string;
let saved: string | undefined;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'weir-bundle-cache-test-'));
  saved = process.env['WEIR_CACHE_DIR'];
  process.env['WEIR_CACHE_DIR'] = join(scratch, 'cache');
});

afterEach(() => {
  if (saved === undefined) delete process.env['WEIR_CACHE_DIR'];
  else process.env['WEIR_CACHE_DIR'] = saved;
  rmSync(scratch, { recursive: true, force: true });
});

/** A "built bundle" directory and the source file it was built from. */
function fixture(code = 'export default 1;\n'): { dir: string; source: string; stamps: Map<string, string> } {
  const source = join(scratch, 'job.mts');
  writeFileSync(source, code);
  const dir = mkdtempSync(join(scratch, 'built-'));
  writeFileSync(join(dir, 'job.mjs'), code);
  writeFileSync(join(dir, 'task-worker.mjs'), '// entry\n');
  return { dir, source, stamps: new Map([[source, stampOf(source)]]) };
}

function emptyDir(): string {
  return mkdtempSync(join(scratch, 'into-'));
}

describe('worker bundle cache', () => {
  it('gives back the stored files and stamps while the sources are unchanged', () => {
    const { dir, source, stamps } = fixture();
    storeBundle('k1', dir, stamps);
    const into = emptyDir();
    expect(restoreCachedBundle('k1', into)).toEqual(stamps);
    expect(readdirSync(into).sort()).toEqual(['job.mjs', 'task-worker.mjs']);
    expect(readFileSync(join(into, 'job.mjs'), 'utf8')).toBe(readFileSync(source, 'utf8'));
  });

  it('misses when a source file changed or is gone', () => {
    const { dir, source, stamps } = fixture();
    storeBundle('k1', dir, stamps);
    utimesSync(source, new Date(), new Date(Date.now() + 5000));
    expect(restoreCachedBundle('k1', emptyDir())).toBeUndefined();
    rmSync(source);
    expect(restoreCachedBundle('k1', emptyDir())).toBeUndefined();
  });

  it('misses on an unknown key, a torn or foreign manifest, and a removed content directory', () => {
    const { dir, stamps } = fixture();
    expect(restoreCachedBundle('nothing', emptyDir())).toBeUndefined();
    storeBundle('k1', dir, stamps);
    const root = bundleCacheRoot();
    const manifest = join(root, 'k1.json');
    const good = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, good.slice(0, good.length / 2));
    expect(restoreCachedBundle('k1', emptyDir())).toBeUndefined();
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(good), format: 999 }));
    expect(restoreCachedBundle('k1', emptyDir())).toBeUndefined();
    writeFileSync(manifest, good);
    rmSync(join(root, JSON.parse(good).content as string), { recursive: true });
    expect(restoreCachedBundle('k1', emptyDir())).toBeUndefined();
  });

  it('replaces an entry, and removes the files it replaced once no process can still be copying them', () => {
    const first = fixture('export default 1;\n');
    storeBundle('k1', first.dir, first.stamps);
    const root = bundleCacheRoot();
    const old = readdirSync(root).find((n) => n.startsWith('k1-'))!;
    const second = fixture('export default 2;\n');
    storeBundle('k1', second.dir, second.stamps);
    const into = emptyDir();
    expect(restoreCachedBundle('k1', into)).toEqual(second.stamps);
    expect(readFileSync(join(into, 'job.mjs'), 'utf8')).toBe('export default 2;\n');
    // A reader that read the old manifest may still be copying the old files.
    expect(existsSync(join(root, old))).toBe(true);
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(root, old), hoursAgo, hoursAgo);
    storeBundle('k2', second.dir, second.stamps);
    expect(existsSync(join(root, old))).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith('k1-'))).toHaveLength(1);
  });

  it('misses when files of the entry vanished while they were copied', () => {
    const { dir, stamps } = fixture();
    storeBundle('k1', dir, stamps);
    const root = bundleCacheRoot();
    const content = readdirSync(root).find((n) => n.startsWith('k1-'))!;
    rmSync(join(root, content, 'task-worker.mjs'));
    expect(restoreCachedBundle('k1', emptyDir())).toBeUndefined();
  });

  it('removes unfinished writes of processes that died long ago, and keeps recent ones', () => {
    const root = bundleCacheRoot();
    mkdirSync(join(root, '.writing-old'), { recursive: true });
    mkdirSync(join(root, '.writing-new'), { recursive: true });
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(root, '.writing-old'), old, old);
    const { dir, stamps } = fixture();
    storeBundle('k1', dir, stamps);
    expect(existsSync(join(root, '.writing-old'))).toBe(false);
    expect(existsSync(join(root, '.writing-new'))).toBe(true);
  });

  it('keeps at most 64 entries, dropping the least recently stored', () => {
    const { dir, stamps } = fixture();
    for (let i = 0; i < 66; i++) storeBundle(`k${i}`, dir, stamps);
    const root = bundleCacheRoot();
    // Stored within one millisecond, entries may share a modification time: only the count is sure.
    const names = readdirSync(root);
    expect(names.filter((n) => n.endsWith('.json'))).toHaveLength(64);
    expect(names.filter((n) => !n.endsWith('.json'))).toHaveLength(64);
    expect(restoreCachedBundle('k65', emptyDir())).toEqual(stamps);
  });

  it('keys bundles by their entries', () => {
    expect(bundleCacheKey('file:///a.ts', 'file:///job.ts')).toBe(
      bundleCacheKey('file:///a.ts', 'file:///job.ts'),
    );
    expect(bundleCacheKey('file:///a.ts', 'file:///job.ts')).not.toBe(
      bundleCacheKey('file:///a.ts', 'file:///other.ts'),
    );
  });

  it('lets a later process start its workers from the bundle an earlier one built', () => {
    const job = join(scratch, 'job.mts');
    const engine = JSON.stringify(fileURLToPath(new URL('../../../src/index.ts', import.meta.url)));
    writeFileSync(job, `import { defineJob } from ${engine};\nexport default defineJob(() => {});\n`);
    const origin = (): string => {
      const script = `
        const { workerBundle } = await import(${JSON.stringify(new URL('../../../src/runtime/worker-bundle.ts', import.meta.url).href)});
        const bundle = await workerBundle(${JSON.stringify(new URL('../../../src/task/task-worker.ts', import.meta.url).href)}, ${JSON.stringify(`file://${job}`)});
        process.stdout.write(bundle?.origin ?? 'none');`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(run.stderr).toBe('');
      return run.stdout;
    };
    expect(origin()).toBe('built');
    expect(origin()).toBe('cache');
    writeFileSync(
      job,
      `import { defineJob } from ${engine};\nexport default defineJob(() => { void 2; });\n`,
    );
    utimesSync(job, new Date(), new Date(Date.now() + 5000));
    expect(origin()).toBe('built');
  });
});
