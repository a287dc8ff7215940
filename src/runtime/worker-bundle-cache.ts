/**
 * The on-disk cache of worker bundles, shared by the processes of one user: a process that runs a
 * job whose code was bundled before (by itself or by an earlier process) copies the cached files
 * instead of running esbuild (~0.2 s of the first job's start-up; `npm start`, `weir run` and every
 * test or benchmark process pay it once otherwise).
 *
 * What is cached here runs as code in every worker, so the cache trusts nothing it reads:
 * - its directories are private ({@link ensurePrivateDirectory}: 0700, this user's, else refused);
 * - an entry's content directory is named by the SHA-256 of everything that goes into the bundle
 *   (the content of every bundled source, weir's and Node's versions, the build options): a reader
 *   hashes the sources as they are now and looks only under that name, so an entry built from other
 *   sources is never found, and a manifest cannot point anywhere else;
 * - each file of an entry is copied only if its name is a plain file name and its content has the
 *   SHA-256 the manifest lists; a file edited after it was written fails the check and the bundle is
 *   built again. The files are copied (then checked) into the reader's own private directory, so
 *   nothing can change them between the check and the import.
 *
 * Layout, under {@link bundleCacheRoot}: `<key>.json`, the manifest of the entry for a job's entries
 * (the bundled sources, the content hash, the files with their hashes), written by rename so a
 * reader never sees it torn; `<content hash>/`, the bundle's files. Replaced content directories
 * are removed once stale (another process may still be copying them). Failures to read the cache
 * are misses and failures to write it are ignored; only an unsafe directory is an error.
 */
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { lazyCrypto, randomHex } from '../util/lazy-builtins.ts';
import { ensurePrivateDirectory } from '../util/private-directory.ts';

/** Bumped whenever the bundle's layout or contents change meaning, so old entries are not used. */
const FORMAT = 3;
/** Entries kept at most; storing one more removes the least recently stored. */
const MAX_ENTRIES = 64;
/**
 * Unfinished writes older than this belong to a process that died while writing; replaced content
 * directories older than this are no longer being copied by anyone.
 */
const STALE_WRITE_MS = 60 * 60 * 1000;
const PURPOSE = "weir's worker-bundle cache";
const PLAIN_NAME = /^[\w-][\w.-]*$/;
const HASH = /^[0-9a-f]{64}$/;

/**
 * The cache's own top directory: `WEIR_CACHE_DIR`, else `node_modules/.cache/weir` of the working
 * directory (as babel, eslint and others cache), else this user's cache directory by the platform's
 * convention (`$XDG_CACHE_HOME/weir` or `~/.cache/weir` on Linux, `~/Library/Caches/weir` on macOS,
 * `%LOCALAPPDATA%\weir` on Windows).
 */
export function cacheHome(): string {
  const configured = process.env['WEIR_CACHE_DIR'];
  if (configured) return configured;
  const modules = join(process.cwd(), 'node_modules');
  if (statSync(modules, { throwIfNoEntry: false })?.isDirectory()) return join(modules, '.cache', 'weir');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'weir');
  if (process.platform === 'win32')
    return join(process.env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'), 'weir');
  const xdg = process.env['XDG_CACHE_HOME'];
  // The XDG spec: a relative path is invalid and ignored.
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'weir');
}

/** Where bundles are cached: `workers/` of {@link cacheHome}. */
export function bundleCacheRoot(): string {
  return join(cacheHome(), 'workers');
}

/**
 * The cache root, created private if missing; throws {@link UnsafeDirectoryError} when it (or the
 * cache's top directory) belongs to another user or others can write it.
 */
export function openBundleCache(): string {
  const root = bundleCacheRoot();
  ensurePrivateDirectory(cacheHome(), PURPOSE);
  ensurePrivateDirectory(root, PURPOSE);
  return root;
}

/** The manifest's name for the bundle of these entries built in this working directory. */
export function bundleCacheKey(entry: string, jobModule: string): string {
  return sha256(JSON.stringify([FORMAT, entry, jobModule, process.cwd()])).slice(0, 32);
}

/** What, besides the sources, shapes a bundle: weir's version, Node's, and the build options. */
export interface BundleRecipe {
  readonly weirVersion: string;
  readonly options: unknown;
}

/**
 * The content hash of a bundle built by `recipe` from `sources` as they are now, or `undefined`
 * when one cannot be read (a missing file hashes as missing: a bundle may depend on its absence).
 */
export function contentHash(sources: readonly string[], recipe: BundleRecipe): string | undefined {
  const hash = lazyCrypto()
    .createHash('sha256')
    .update(JSON.stringify([FORMAT, recipe.weirVersion, process.version, recipe.options]));
  for (const file of [...sources].sort()) {
    let content: Buffer | undefined;
    try {
      content = readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    }
    hash.update(`\0${file}\0${content === undefined ? 'missing' : sha256(content)}`);
  }
  return hash.digest('hex');
}

/**
 * Copies the cached bundle of `key` into `into` (an empty private directory) and returns the
 * sources it was built from, or `undefined` when there is no entry for the sources as they are now
 * or a file of the entry fails its check (what was copied then must not be used).
 */
export function restoreCachedBundle(key: string, into: string, recipe: BundleRecipe): string[] | undefined {
  const root = openBundleCache();
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(root, `${key}.json`), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  if (!isManifest(manifest)) return undefined;
  const content = contentHash(manifest.sources, recipe);
  if (content === undefined || content !== manifest.content) return undefined;
  try {
    for (const [name, digest] of manifest.files) {
      const from = join(root, content, name);
      if (!lstatSync(from).isFile()) return undefined;
      copyFileSync(from, join(into, name));
      if (sha256(readFileSync(join(into, name))) !== digest) return undefined;
    }
  } catch {
    // Evicted or replaced while it was copied.
    return undefined;
  }
  return manifest.sources;
}

/** Stores the bundle built in `dir` from `sources` by `recipe` as the entry of `key`. */
export function storeBundle(
  key: string,
  dir: string,
  sources: readonly string[],
  recipe: BundleRecipe,
): void {
  const writing = `.writing-${randomHex(6)}`;
  let root: string | undefined;
  try {
    root = openBundleCache();
    const content = contentHash(sources, recipe);
    if (content === undefined) return;
    removeStale(root);
    const names = readdirSync(dir);
    mkdirSync(join(root, writing), { mode: 0o700 });
    const files: [string, string][] = [];
    for (const name of names) {
      if (!PLAIN_NAME.test(name) || !lstatSync(join(dir, name)).isFile()) return;
      const bytes = readFileSync(join(dir, name));
      writeFileSync(join(root, writing, name), bytes, { mode: 0o600 });
      files.push([name, sha256(bytes)]);
    }
    try {
      renameSync(join(root, writing), join(root, content));
    } catch {
      // Another process stored the same content first: its files are checked on every read.
    }
    const manifest: Manifest = { format: FORMAT, content, sources: [...sources], files };
    const manifestFile = join(root, `${key}.json`);
    writeFileSync(`${manifestFile}.${writing}`, JSON.stringify(manifest), { mode: 0o600 });
    renameSync(`${manifestFile}.${writing}`, manifestFile);
    evictOldest(root);
  } catch {
    // Best effort: the next process builds again.
  } finally {
    if (root !== undefined) rmSync(join(root, writing), { recursive: true, force: true });
  }
}

interface Manifest {
  readonly format: number;
  /** The content hash: the name of the content directory. */
  readonly content: string;
  /** Absolute paths of every file the bundle was built from. */
  readonly sources: string[];
  /** [plain file name, SHA-256] of every file of the content directory. */
  readonly files: [string, string][];
}

function isManifest(value: unknown): value is Manifest {
  const m = value as Partial<Manifest> | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    m.format === FORMAT &&
    typeof m.content === 'string' &&
    HASH.test(m.content) &&
    Array.isArray(m.sources) &&
    m.sources.length > 0 &&
    m.sources.every((s) => typeof s === 'string' && isAbsolute(s)) &&
    Array.isArray(m.files) &&
    m.files.length > 0 &&
    m.files.every(
      (f) =>
        Array.isArray(f) &&
        typeof f[0] === 'string' &&
        PLAIN_NAME.test(f[0]) &&
        typeof f[1] === 'string' &&
        HASH.test(f[1]),
    )
  );
}

function sha256(data: string | Buffer): string {
  return lazyCrypto().createHash('sha256').update(data).digest('hex');
}

function contentOf(manifestFile: string): string | undefined {
  try {
    const content = (JSON.parse(readFileSync(manifestFile, 'utf8')) as Partial<Manifest>).content;
    return typeof content === 'string' && HASH.test(content) ? content : undefined;
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
    const unfinished = name.startsWith('.writing-') || /\.json\.\.writing-[0-9a-f]+$/.test(name);
    const replaced = HASH.test(name) && !named.has(name);
    if (!unfinished && !replaced) continue;
    const path = join(root, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_WRITE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
