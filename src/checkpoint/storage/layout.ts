/**
 * Names on disk (see docs/checkpoint-storage.md): a job's checkpoint directory holds one
 * `chk-<id>` directory per checkpoint and one `savepoint-<id>` directory per savepoint taken
 * without a target directory; a savepoint with a target directory goes to
 * `<targetDir>/savepoint-<id>-<random>`. Subtasks write their state files into `chk-<id>`; the
 * coordinator writes `_metadata` last.
 */
import { join } from 'node:path';
import { randomHex } from '../../util/lazy-builtins.ts';

/** Directory name of checkpoint `id`, in the job's checkpoint directory. */
export function checkpointDirName(id: number): string {
  return `chk-${id}`;
}

/** Directory of checkpoint `id` under `baseDir`. */
export function checkpointDir(baseDir: string, id: number): string {
  return join(baseDir, checkpointDirName(id));
}

/** Directory name of savepoint `id`: in the job's directory, or (with a random suffix) in a target. */
export function savepointDirName(id: number, inTarget: boolean): string {
  return inTarget ? `savepoint-${id}-${randomHex(4)}` : `savepoint-${id}`;
}

/** The checkpoint id a directory name claims (`chk-7`, `savepoint-7`, `savepoint-7-1a2b3c4d`), if any. */
export function idFromDirName(name: string): number | undefined {
  const match = /^(?:chk|savepoint)-([1-9][0-9]{0,15})(?:-[0-9a-f]+)?$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

/** Pointer of a checkpoint kept in memory storage. */
export function memoryPointer(id: number): string {
  return `memory:chk-${id}`;
}

/** The id in a memory pointer, if `pointer` is one. */
export function idFromMemoryPointer(pointer: string): number | undefined {
  const match = /^memory:chk-([1-9][0-9]{0,15})$/.exec(pointer);
  return match === null ? undefined : Number(match[1]);
}
