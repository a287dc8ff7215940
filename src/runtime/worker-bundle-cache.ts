/**
 * The on-disk cache of worker bundles, shared by the processes of one project: a process that runs
 * a job whose code was bundled before (by itself or by an earlier process) copies the cached files
 * instead of running esbuild (~0.2 s of the first job's start-up; `npm start`, `weir run` and every
 * test or benchmark process pay it once otherwise). An entry is valid while every file it was built
 * from has the size and modification time it had then, as for the in-process bundles.
 *
 * Layout, under {@link bundleCacheRoot}: `<key>.json`, the manifest (the content directory's name and
 * the stamps of the bundled files), written by rename so a reader never sees it torn; `<key>-<id>/`,
 * the bundle's files, never changed once named by a manifest. Replacing an entry writes a new content
 * directory, then the manifest, then removes the old directory: a reader that loses that race fails
 * to copy and builds, like on any other miss. The cache is best-effort: any failure to read it is a
 * miss and any failure to write it is ignored.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** Bumped whenever the bundle's layout or contents change meaning, so old entries are not used. */
const FORMAT = 2;
/** Entries kept at most; storing one more removes the least recently stored. */
const MAX_ENTRIES = 64;
/**
 * Unfinished writes older than this belong to a process that died while writing; replaced content
 * directories older than this are no longer being copied by anyone.
 */
const STALE_WRITE_MS = 60 * 60 * 1000;

/**
 * Where bundles are cached: `WEIR_CACHE_DIR`, else `node_modules/.cache/weir` of the working
 * directory (as babel, eslint and others cache), else a directory of this user under the system's
 * temporary directory.
 */
export function bundleCacheRoot(): string {
  const configured = process.env['WEIR_CACHE_DIR'];
  if (configured) return join(configured, 'workers');
  const modules = join(process.cwd(), 'node_modules');
  if (existsSync(modules)) return join(modules, '.cache', 'weir', 'workers');
  return join(tmpdir(), `weir-cache-${safeUserName()}`, 'workers');
}

/** The cache key of the bundle of these entries built in this working directory. */
export function bundleCacheKey(entry: string, jobModule: string): string {
  return createHash('sha256')
    .update(JSON.stringify([FORMAT, entry, jobModule, process.cwd()]))
    .digest('hex')
    .slice(0, 32);
}

/** The size and modification time of a file, or `missing`. */
export function stampOf(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/**
 * Copies the cached bundle of `key` into `into` (an empty directory) and returns the stamps it was
 * built from, or `undefined` when there is no valid entry (nothing then was copied that matters).
 */
export function restoreCachedBundle(key: string, into: string): Map<string, string> | undefined {
  const root = bundleCacheRoot();
  try {
    const manifest = JSON.parse(readFileSync(join(root, `${key}.json`), 'utf8')) as Manifest;
    if (manifest.format !== FORMAT || typeof manifest.content !== 'string' || !Array.isArray(manifest.stamps))
      return undefined;
    if (!Array.isArray(manifest.files)) return undefined;
    const stamps = new Map(manifest.stamps);
    for (const [file, stamp] of stamps) if (stampOf(file) !== stamp) return undefined;
    cpSync(join(root, manifest.content), into, { recursive: true });
    // A content directory removed while it was copied (evicted) copies partly: check every file.
    for (const file of manifest.files) if (!existsSync(join(into, file))) return undefined;
    return stamps;
  } catch {
    return undefined;
  }
}

/** Stores the bundle built in `dir` (from files with `stamps`) as the entry of `key`. */
export function storeBundle(key: string, dir: string, stamps: ReadonlyMap<string, string>): void {
  const root = bundleCacheRoot();
  const content = `${key}-${randomBytes(6).toString('hex')}`;
  const writing = join(root, `.writing-${content}`);
  try {
    mkdirSync(root, { recursive: true });
    removeStale(root);
    cpSync(dir, writing, { recursive: true });
    renameSync(writing, join(root, content));
    const manifestFile = join(root, `${key}.json`);
    const manifest: Manifest = { format: FORMAT, content, files: readdirSync(dir), stamps: [...stamps] };
    writeFileSync(`${manifestFile}.${content}`, JSON.stringify(manifest));
    renameSync(`${manifestFile}.${content}`, manifestFile);
    // The content it replaced stays until it is stale: another process may be copying it now.
    evictOldest(root);
  } catch {
    rmSync(writing, { recursive: true, force: true });
  }
}

interface Manifest {
  readonly format: number;
  /** Name of the content directory. */
  readonly content: string;
  /** The files of the content directory. */
  readonly files: string[];
  /** [absolute file path, stamp] of every file the bundle was built from. */
  readonly stamps: [string, string][];
}

function contentOf(manifestFile: string): string | undefined {
  try {
    const content = (JSON.parse(readFileSync(manifestFile, 'utf8')) as Partial<Manifest>).content;
    return typeof content === 'string' && /^\w+-[0-9a-f]+$/.test(content) ? content : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the cache at {@link MAX_ENTRIES} entries (every test run, for one, bundles jobs in fresh temporary files). */
function evictOldest(root: string): void {
  const manifests = readdirSync(root).filter((name) => /^\w+\.json$/.test(name));
  if (manifests.length <= MAX_ENTRIES) return;
  const byAge = manifests
    .map((name) => ({ name, mtime: statSync(join(root, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.mtime - b.mtime);
  for (const { name } of byAge.slice(0, manifests.length - MAX_ENTRIES)) {
    const content = contentOf(join(root, name));
    rmSync(join(root, name), { force: true });
    if (content !== undefined) rmSync(join(root, content), { recursive: true, force: true });
  }
}

/**
 * Removes what no process needs any more: unfinished writes of processes that died while writing,
 * and content directories no manifest names (replaced or evicted entries), once they are stale.
 */
function removeStale(root: string): void {
  const now = Date.now();
  const names = readdirSync(root);
  const named = new Set(
    names.filter((name) => /^\w+\.json$/.test(name)).map((name) => contentOf(join(root, name))),
  );
  for (const name of names) {
    const unfinished = name.startsWith('.writing-') || /\.json\.[0-9a-f-]+$/.test(name);
    const replaced = /^\w+-[0-9a-f]+$/.test(name) && !named.has(name);
    if (!unfinished && !replaced) continue;
    const path = join(root, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_WRITE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

function safeUserName(): string {
  try {
    return userInfo().username.replace(/[^\w.-]/g, '_');
  } catch {
    return String(process.getuid?.() ?? 'user');
  }
}
