/**
 * The embedded backend's working directories: one fresh directory per backend (per keyed operator
 * of a subtask), named `weir-<pid>-<label>-<random>` under a base directory (the configured one, or
 * `<os.tmpdir()>/weir-state`), removed when the backend is disposed. A process that crashed or was
 * killed cannot remove its directories, so whenever a directory is created the base is swept of
 * those whose process no longer runs: leftovers live at most until the next embedded backend
 * starts on the machine. A thread that exits through `process.exit()` or an uncaught error removes
 * its directories on the way out; only a thread terminated from outside leaves them to the sweep.
 *
 * Thread: any worker thread; the sweep tolerates concurrent sweeps by other threads and processes.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDirectoriesOfEndedProcesses } from '../../util/ended-process-directories.ts';

const PREFIX = 'weir-';
const OWNED = /^weir-(\d+)-/;

/** This thread's working directories not removed yet, removed if the thread exits early. */
const live = new Set<string>();
let exitHookInstalled = false;

/** The default base directory of working directories. */
export function defaultStateDirectory(): string {
  return join(tmpdir(), 'weir-state');
}

/**
 * Creates a fresh working directory under `base` (created if missing), after removing the
 * leftovers of dead processes there. `label` names the owner for people looking at the directory.
 */
export function createWorkingDirectory(base: string, label: string): string {
  mkdirSync(base, { recursive: true });
  sweepLeftovers(base);
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
  const directory = mkdtempSync(join(base, `${PREFIX}${process.pid}-${safe}-`));
  live.add(directory);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const leftover of live) removeWorkingDirectory(leftover);
    });
  }
  return directory;
}

/** Removes a working directory and everything in it; never throws. */
export function removeWorkingDirectory(directory: string): void {
  live.delete(directory);
  try {
    rmSync(directory, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // Best effort: a leftover is swept by the next backend once this process has ended.
  }
}

/** Removes the working directories under `base` whose owning process is gone. */
export function sweepLeftovers(base: string): number {
  return removeDirectoriesOfEndedProcesses(base, OWNED, removeWorkingDirectory);
}
