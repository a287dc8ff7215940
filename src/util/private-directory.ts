/**
 * Directories private to this user, for what weir later runs or reads as this user's (cached worker
 * bundles, the embedded backend's working directories): created 0700, and refused with an
 * {@link UnsafeDirectoryError} when they already exist owned by someone else, writable by group or
 * others, or as a symbolic link (which could point anywhere).
 */
import { chmodSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { UnsafeDirectoryError } from '../errors.ts';

/**
 * Creates `path` (and missing parents) with mode 0700 if it does not exist, then checks that it is
 * a directory of this user that no one else can write; `purpose` names it in the error. `uid` is
 * the expected owner (this process's, where the platform has one).
 */
export function ensurePrivateDirectory(path: string, purpose: string, uid = process.getuid?.()): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const stats = lstatSync(path);
  const refuse = (problem: string, remedy: string): never => {
    throw new UnsafeDirectoryError(path, purpose, problem, remedy);
  };
  if (stats.isSymbolicLink()) refuse('it is a symbolic link', 'remove it or choose another directory');
  if (!stats.isDirectory()) refuse('it is not a directory', 'remove it or choose another directory');
  // Windows has no owners or modes to check here.
  if (uid === undefined) return;
  if (stats.uid !== uid)
    refuse(
      `it is owned by uid ${stats.uid}, not by this user (uid ${uid})`,
      'remove it or choose another directory',
    );
  if ((stats.mode & 0o022) !== 0)
    refuse(
      `it is writable by ${(stats.mode & 0o002) !== 0 ? 'every user' : 'its group'} (mode ${(stats.mode & 0o777).toString(8)})`,
      `make it private (chmod 700 ${path}) or remove it`,
    );
  // Readable by others is no danger to this user, but the bundles and state are nobody else's.
  if ((stats.mode & 0o077) !== 0) chmodSync(path, 0o700);
}

/**
 * Checks a base directory the user configured, under which weir creates its own private (0700)
 * directories: it may be shared, like `/tmp`, but then only with the sticky bit, else anyone who
 * can write it could rename weir's directory away and put their own (or a link) in its place.
 * Creates it (0700) if missing.
 */
export function ensureSafeBaseDirectory(path: string, purpose: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const stats = statSync(path);
  if (!stats.isDirectory())
    throw new UnsafeDirectoryError(path, purpose, 'it is not a directory', 'choose a directory');
  if (process.platform === 'win32') return;
  if ((stats.mode & 0o022) !== 0 && (stats.mode & 0o1000) === 0)
    throw new UnsafeDirectoryError(
      path,
      purpose,
      `it is writable by ${(stats.mode & 0o002) !== 0 ? 'every user' : 'its group'} without the sticky bit (mode ${(stats.mode & 0o7777).toString(8)})`,
      `make it private (chmod 700 ${path}), set the sticky bit (chmod +t ${path}), or choose another directory`,
    );
}
