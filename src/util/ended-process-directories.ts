/**
 * Directories named after the process that made them (temporary bundles, state working
 * directories): a process removes its own when it exits, and those of processes killed before
 * their exit handlers ran are removed by the next process that looks.
 */
import { readdirSync, rmSync } from 'node:fs';
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
