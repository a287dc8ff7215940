/**
 * Builds the checkpoint storage that validated options describe. The same options, as plain data,
 * are what a worker builds its state writer from (`createStateWriter`).
 */
import type { CheckpointStorageOptions } from '../config.ts';
import type { CheckpointStorage } from './checkpoint-storage.ts';
import { FilesystemCheckpointStorage } from './filesystem-storage.ts';
import { MemoryCheckpointStorage } from './memory-storage.ts';

/** The storage for `options` (from `resolveCheckpointConfig(...).storage`). */
export function createCheckpointStorage(options: CheckpointStorageOptions): CheckpointStorage {
  return options.kind === 'memory'
    ? new MemoryCheckpointStorage()
    : new FilesystemCheckpointStorage(options.dir, options.inlineThresholdBytes);
}
