/**
 * Finding the state a job resumes from: a savepoint or retained checkpoint directory (one holding
 * `_metadata`), or a checkpoint base directory, whose newest checkpoint is taken. A damaged newest
 * checkpoint is an error naming the file, unless falling back to an older retained one is allowed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ResumeStateNotFoundError } from '../../checkpoint/errors.ts';
import type { CompletedCheckpoint } from '../../checkpoint/storage/checkpoint-storage.ts';
import { METADATA_FILE } from '../../checkpoint/storage/metadata.ts';
import { listCheckpoints, loadCheckpoint } from '../../checkpoint/storage/reader.ts';

/** Options of {@link findResumeState}. */
export interface ResumeOptions {
  /** Fall back to the newest intact checkpoint when newer ones are damaged (default false). */
  readonly fallBackToOlder?: boolean;
  /** Called for each damaged checkpoint skipped while falling back. */
  readonly onSkipped?: (pointer: string, error: Error) => void;
}

export async function findResumeState(
  path: string,
  options: ResumeOptions = {},
): Promise<CompletedCheckpoint> {
  if (!existsSync(path)) throw new ResumeStateNotFoundError(path, 'missing');
  if (existsSync(join(path, METADATA_FILE))) return loadCheckpoint(path);
  const { checkpoints, invalid } = await listCheckpoints(path);
  const candidates: Array<{ pointer: string; id: number; error?: Error }> = [
    ...checkpoints.map((c) => ({ pointer: c.pointer, id: c.checkpointId })),
    ...invalid.map((i) => ({
      pointer: i.pointer,
      id: i.checkpointId ?? Number.MAX_SAFE_INTEGER,
      error: i.error,
    })),
  ].sort((a, b) => b.id - a.id);
  if (candidates.length === 0) {
    throw new ResumeStateNotFoundError(path, 'empty');
  }
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      if (candidate.error) throw candidate.error;
      return await loadCheckpoint(candidate.pointer);
    } catch (error) {
      if (!options.fallBackToOlder) throw error;
      lastError = error;
      options.onSkipped?.(candidate.pointer, error as Error);
    }
  }
  throw lastError;
}
