// The on-disk cache of worker bundles runs nothing it has not verified: an entry is found by the
// content hash of its sources and checked file by file; edited, planted or torn entries are misses,
// and a cache directory another user owns or can write is refused with a typed error.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnsafeDirectoryError } from '../../../src/errors.ts';
import {
  type BundleRecipe,
  bundleCacheKey,
  bundleCacheRoot,
  contentHash,
  openBundleCache,
  restoreCachedBundle,
  storeBundle,
} from '../../../src/runtime/worker-bundle-cache.ts';

const RECIPE: BundleRecipe = { weirVersion: '1.0.0', options: { format: 'esm' } };
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
function fixture(code = 'export default 1;\n'): { dir: string; source: string; sources: string[] } {
  const source = join(scratch, 'job.mts');
  writeFileSync(source, code);
  const dir = mkdtempSync(join(scratch, 'built-'));
  writeFileSync(join(dir, 'job.mjs'), code);
  writeFileSync(join(dir, 'task-worker.mjs'), '// entry\n');
  return { dir, source, sources: [source] };
}

function emptyDir(): string {
  return mkdtempSync(join(scratch, 'into-'));
}

function manifestOf(key: string): { content: string; files: [string, string][]; sources: string[] } {
  return JSON.parse(readFileSync(join(bundleCacheRoot(), `${key}.json`), 'utf8'));
}

describe('worker bundle cache', () => {
  it('gives back the stored files and their sources while the sources are unchanged', () => {
    const { dir, source, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    const into = emptyDir();
    expect(restoreCachedBundle('k1', into, RECIPE)).toEqual(sources);
    expect(readdirSync(into).sort()).toEqual(['job.mjs', 'task-worker.mjs']);
    expect(readFileSync(join(into, 'job.mjs'), 'utf8')).toBe(readFileSync(source, 'utf8'));
  });

  it('names the content directory by the hash of sources, weir, Node and options', () => {
    const { dir, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    const hash = contentHash(sources, RECIPE);
    expect(manifestOf('k1').content).toBe(hash);
    expect(existsSync(join(bundleCacheRoot(), hash!))).toBe(true);
    expect(contentHash(sources, { ...RECIPE, weirVersion: '1.0.1' })).not.toBe(hash);
    expect(contentHash(sources, { ...RECIPE, options: { format: 'cjs' } })).not.toBe(hash);
    // A bundle built by another weir is not found.
    expect(restoreCachedBundle('k1', emptyDir(), { ...RECIPE, weirVersion: '1.0.1' })).toBeUndefined();
  });

  it('misses when a source changed, even keeping its size and modification time, or is gone', () => {
    const { dir, source, sources } = fixture('export default 1;\n');
    storeBundle('k1', dir, sources, RECIPE);
    const { mtime } = statSync(source);
    writeFileSync(source, 'export default 2;\n');
    utimesSync(source, mtime, mtime);
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
    rmSync(source);
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
  });

  it('rejects an entry whose files were edited after they were written', () => {
    const { dir, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    const { content } = manifestOf('k1');
    writeFileSync(join(bundleCacheRoot(), content, 'job.mjs'), 'export default "planted";\n');
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
  });

  it('rejects a manifest naming paths outside its entry, and copies no file it does not list', () => {
    const { dir, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    const root = bundleCacheRoot();
    const good = manifestOf('k1');
    const manifest = join(root, 'k1.json');
    const outside = join(scratch, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'job.mjs'), 'export default "planted";\n');
    for (const planted of [
      { ...good, content: '../../outside' },
      { ...good, files: [['../../outside/job.mjs', good.files[0]![1]]] },
      { ...good, files: [] },
      { ...good, sources: [] },
      { ...good, content: 'f'.repeat(64) },
    ]) {
      writeFileSync(manifest, JSON.stringify(planted));
      expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
    }
    writeFileSync(manifest, JSON.stringify(good));
    writeFileSync(join(root, good.content, 'extra.mjs'), 'planted\n');
    const into = emptyDir();
    expect(restoreCachedBundle('k1', into, RECIPE)).toEqual(sources);
    expect(readdirSync(into).sort()).toEqual(['job.mjs', 'task-worker.mjs']);
  });

  it('rejects a file of the entry replaced by a symbolic link', () => {
    const { dir, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    const file = join(bundleCacheRoot(), manifestOf('k1').content, 'job.mjs');
    const target = join(scratch, 'target.mjs');
    writeFileSync(target, readFileSync(file));
    rmSync(file);
    symlinkSync(target, file);
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
  });

  it('misses on an unknown key, a torn or foreign manifest, and a removed content directory', () => {
    const { dir, sources } = fixture();
    expect(restoreCachedBundle('nothing', emptyDir(), RECIPE)).toBeUndefined();
    storeBundle('k1', dir, sources, RECIPE);
    const root = bundleCacheRoot();
    const manifest = join(root, 'k1.json');
    const good = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, good.slice(0, good.length / 2));
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(good), format: 999 }));
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
    writeFileSync(manifest, good);
    rmSync(join(root, JSON.parse(good).content as string), { recursive: true });
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toBeUndefined();
  });

  it('creates its directories private to this user', () => {
    const root = openBundleCache();
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(join(scratch, 'cache')).mode & 0o777).toBe(0o700);
    const { dir, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    const content = join(root, manifestOf('k1').content);
    expect(statSync(content).mode & 0o077).toBe(0);
    expect(statSync(join(content, 'job.mjs')).mode & 0o077).toBe(0);
  });

  it.runIf(process.getuid?.() === 0)('refuses a cache directory owned by another user', () => {
    const top = join(scratch, 'cache');
    mkdirSync(top, { mode: 0o700 });
    chownSync(top, 65534, 65534); // nobody
    expect(() => openBundleCache()).toThrow(UnsafeDirectoryError);
    expect(() => restoreCachedBundle('k1', emptyDir(), RECIPE)).toThrow(/owned by uid 65534/);
  });

  it('refuses a cache directory owned by another user (the owner to expect given)', () => {
    const top = join(scratch, 'cache');
    mkdirSync(top, { mode: 0o700 });
    // Seam for a machine where the test cannot chown: expect an owner the directory does not have.
    return import('../../../src/util/private-directory.ts').then(({ ensurePrivateDirectory }) => {
      expect(() => ensurePrivateDirectory(top, 'a cache', statSync(top).uid + 1)).toThrow(
        expect.objectContaining({ code: 'ERR_UNSAFE_DIRECTORY', path: top }),
      );
    });
  });

  it('refuses a cache directory writable by others or its group, and a symbolic link', () => {
    const { dir, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    const root = bundleCacheRoot();
    chmodSync(root, 0o777);
    expect(() => restoreCachedBundle('k1', emptyDir(), RECIPE)).toThrow(
      expect.objectContaining({ code: 'ERR_UNSAFE_DIRECTORY', message: expect.stringMatching(/every user/) }),
    );
    chmodSync(root, 0o770);
    expect(() => openBundleCache()).toThrow(/writable by its group/);
    chmodSync(root, 0o700);
    expect(restoreCachedBundle('k1', emptyDir(), RECIPE)).toEqual(sources);
    const elsewhere = join(scratch, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    process.env['WEIR_CACHE_DIR'] = join(scratch, 'link');
    symlinkSync(elsewhere, join(scratch, 'link'));
    expect(() => openBundleCache()).toThrow(/symbolic link/);
  });

  it('replaces an entry, and removes the files it replaced once no process can still be copying them', () => {
    const first = fixture('export default 1;\n');
    storeBundle('k1', first.dir, first.sources, RECIPE);
    const root = bundleCacheRoot();
    const old = manifestOf('k1').content;
    const second = fixture('export default 2;\n');
    storeBundle('k1', second.dir, second.sources, RECIPE);
    const into = emptyDir();
    expect(restoreCachedBundle('k1', into, RECIPE)).toEqual(second.sources);
    expect(readFileSync(join(into, 'job.mjs'), 'utf8')).toBe('export default 2;\n');
    // A reader that read the old manifest may still be copying the old files.
    expect(existsSync(join(root, old))).toBe(true);
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(root, old), hoursAgo, hoursAgo);
    storeBundle('k2', second.dir, second.sources, RECIPE);
    expect(existsSync(join(root, old))).toBe(false);
  });

  it('removes unfinished writes of processes that died long ago, and keeps recent ones', () => {
    const root = openBundleCache();
    mkdirSync(join(root, '.writing-old'));
    mkdirSync(join(root, '.writing-new'));
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(root, '.writing-old'), old, old);
    const { dir, sources } = fixture();
    storeBundle('k1', dir, sources, RECIPE);
    expect(existsSync(join(root, '.writing-old'))).toBe(false);
    expect(existsSync(join(root, '.writing-new'))).toBe(true);
  });

  it('keeps at most 64 entries, dropping the least recently stored', () => {
    const root = bundleCacheRoot();
    for (let i = 0; i < 66; i++) {
      const { dir, sources } = fixture(`export default ${i};\n`);
      storeBundle(`k${i}`, dir, sources, RECIPE);
    }
    // Stored within one millisecond, entries may share a modification time: only the count is sure.
    const names = readdirSync(root);
    expect(names.filter((n) => n.endsWith('.json'))).toHaveLength(64);
    expect(names.filter((n) => !n.endsWith('.json'))).toHaveLength(64);
    expect(restoreCachedBundle('k65', emptyDir(), RECIPE)).toBeDefined();
  });

  it('keys bundles by their entries', () => {
    expect(bundleCacheKey('file:///a.ts', 'file:///job.ts')).toBe(
      bundleCacheKey('file:///a.ts', 'file:///job.ts'),
    );
    expect(bundleCacheKey('file:///a.ts', 'file:///job.ts')).not.toBe(
      bundleCacheKey('file:///a.ts', 'file:///other.ts'),
    );
  });
});

describe('worker bundles across processes', () => {
  const engine = JSON.stringify(fileURLToPath(new URL('../../../src/index.ts', import.meta.url)));
  const taskWorker = new URL('../../../src/task/task-worker.ts', import.meta.url).href;
  const workerBundleModule = new URL('../../../src/runtime/worker-bundle.ts', import.meta.url).href;
  // By URL: a process started outside the repository resolves no package of it.
  const tsx = new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

  /** Bundles `job` in a fresh process, imports the bundled job there, and says where it came from. */
  function origin(job: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
    const script = `
      const { workerBundle } = await import(${JSON.stringify(workerBundleModule)});
      const job = ${JSON.stringify(pathToFileURL(job).href)};
      const bundle = await workerBundle(${JSON.stringify(taskWorker)}, job);
      await import(bundle.aliases.get(job));
      process.stdout.write(bundle?.origin ?? 'none');`;
    const run = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
      env,
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    return run.stdout;
  }

  it('starts workers from the bundle an earlier process built, and rebuilds, never runs, an edited one', () => {
    const job = join(scratch, 'job.mts');
    const marker = join(scratch, 'planted-code-ran');
    writeFileSync(job, `import { defineJob } from ${engine};\nexport default defineJob(() => {});\n`);
    expect(origin(job)).toBe('built');
    expect(origin(job)).toBe('cache');
    // Plant code in the cached job file: the next process must rebuild rather than run it.
    const key = bundleCacheKey(taskWorker, pathToFileURL(job).href);
    const cached = join(bundleCacheRoot(), manifestOf(key).content, 'job.mjs');
    writeFileSync(
      cached,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\n${readFileSync(cached, 'utf8')}`,
    );
    expect(origin(job)).toBe('built');
    expect(existsSync(marker)).toBe(false);
    writeFileSync(
      job,
      `import { defineJob } from ${engine};\nexport default defineJob(() => { void 2; });\n`,
    );
    expect(origin(job)).toBe('built');
  });

  it('refuses to run a job from a world-writable cache directory', () => {
    const job = join(scratch, 'job.mts');
    writeFileSync(job, `import { defineJob } from ${engine};\nexport default defineJob(() => {});\n`);
    mkdirSync(join(scratch, 'cache'), { mode: 0o777 });
    chmodSync(join(scratch, 'cache'), 0o777);
    const script = `
      const { workerBundle } = await import(${JSON.stringify(workerBundleModule)});
      await workerBundle(${JSON.stringify(taskWorker)}, ${JSON.stringify(pathToFileURL(job).href)})
        .then(() => process.stdout.write('accepted'), (e) => process.stdout.write(e.code));`;
    const run = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stdout).toBe('ERR_UNSAFE_DIRECTORY');
  });

  it('caches in the XDG cache directory when the project has no node_modules', () => {
    const project = mkdtempSync(join(scratch, 'project-'));
    const job = join(project, 'job.mts');
    writeFileSync(job, `import { defineJob } from ${engine};\nexport default defineJob(() => {});\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(scratch, 'xdg') };
    delete env['WEIR_CACHE_DIR'];
    expect(origin(job, env, project)).toBe('built');
    expect(statSync(join(scratch, 'xdg', 'weir', 'workers')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(scratch, 'xdg', 'weir', 'workers')).some((n) => n.endsWith('.json'))).toBe(true);
  });
});
