/**
 * The embedded backend's working directories: one fresh directory per backend (per keyed operator
 * of a subtask), named `weir-<pid>-<label>-<random>` (mode 0700) under a base directory (the configured one, or
 * `<os.tmpdir()>/weir-state-<uid>`, private to this user: created 0700, refused when another user
 * owns it or others can write it), removed when the backend is disposed. A process that crashed or was
 * killed cannot remove its directories, so whenever a directory is created the base is swept of
 * those whose process no longer runs: leftovers live at most until the next embedded backend
 * starts on the machine. A thread that exits through `process.exit()` or an uncaught error removes
 * its directories on the way out; only a thread terminated from outside leaves them to the sweep.
 *
 * Thread: any worker thread; the sweep tolerates concurrent sweeps by other threads and processes.
 */
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createProcessDirectory, removeProcessDirectory } from '../../util/ended-process-directories.ts';
import { ensurePrivateDirectory, ensureSafeBaseDirectory } from '../../util/private-directory.ts';

/** The default base directory of working directories: this user's, in the system's temp directory. */
export function defaultStateDirectory(): string {
  return join(tmpdir(), `weir-state-${process.getuid?.() ?? userInfo().username.replace(/[^\w.-]/g, '_')}`);
}

/**
 * Creates a fresh working directory under `base` (created if missing; the default base must be
 * private, see {@link ensurePrivateDirectory}; a configured one may be shared only with the sticky
 * bit, see {@link ensureSafeBaseDirectory}), after removing the leftovers of dead processes there. `label` names the owner for people looking at the directory.
 */
export function createWorkingDirectory(base: string, label: string): string {
  const purpose = "the embedded state backend's working directories";
  if (base === defaultStateDirectory()) ensurePrivateDirectory(base, purpose);
  else ensureSafeBaseDirectory(base, purpose);
  return createProcessDirectory(base, 'weir-', label);
}

/** Removes a working directory and everything in it; never throws. */
export const removeWorkingDirectory = removeProcessDirectory;
