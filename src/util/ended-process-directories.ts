/**
 * Directories named after the process that made them (temporary bundles, state working
 * directories): a process removes its own when it exits, and those of processes killed before
 * their exit handlers ran are removed by the next process that looks.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Whether a process with this id exists (EPERM: it does, but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the entries of `base` whose name matches `pattern` with the id of a process that no
 * longer runs in its first group; returns how many it removed. Never throws.
 */
export function removeDirectoriesOfEndedProcesses(
  base: string,
  pattern: RegExp,
  remove: (path: string) => void = (path) => rmSync(path, { recursive: true, force: true }),
): number {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) continue;
    try {
      remove(join(base, name));
      removed++;
    } catch {
      // Removed by another process meanwhile, or not ours to remove.
    }
  }
  return removed;
}

/** This thread's directories made by {@link createProcessDirectory} and not removed yet. */
const owned = new Set<string>();
let exitHookInstalled = false;

/**
 * Creates a fresh directory `<base>/<prefix><pid>-[<label>-]<random>` (`base` is created if
 * missing), after removing those under `base` with the same prefix whose process has ended. The
 * directory is removed when this thread exits, unless {@link removeProcessDirectory} removed it
 * first; only a thread terminated from outside leaves it, to the next sweep. `label` names the
 * owner for people looking at the directory (characters other than `A-Za-z0-9_.-` become `_`).
 */
export function createProcessDirectory(base: string, prefix: string, label?: string): string {
  mkdirSync(base, { recursive: true });
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  removeDirectoriesOfEndedProcesses(base, new RegExp(`^${escaped}(\\d+)-`), removeProcessDirectory);
  const named = label === undefined ? '' : `${label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}-`;
  const directory = mkdtempSync(join(base, `${prefix}${process.pid}-${named}`));
  owned.add(directory);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const leftover of owned) removeProcessDirectory(leftover);
    });
  }
  return directory;
}

/** Removes a directory and everything in it; never throws. */
export function removeProcessDirectory(directory: string): void {
  owned.delete(directory);
  try {
    rmSync(directory, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Best effort: a leftover is swept by the next process that creates one beside it.
  }
}
