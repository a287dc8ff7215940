/**
 * Commits fully acknowledged checkpoints to storage, one at a time and in the order they became
 * fully acknowledged, so that a newer checkpoint never completes while an older one is still being
 * written. Each commit ends in a {@link CommitResult} handed to the coordinator inside the same
 * step, before the next commit starts (the coordinator's bookkeeping, such as subsuming older
 * checkpoints, therefore sees the next checkpoint before its commit begins).
 *
 * An abort that reached the checkpoint while it waited for its turn skips the write; one that
 * arrived during the write deletes the committed checkpoint again (its commit point first), so an
 * aborted checkpoint never stays complete.
 *
 * Thread: the main thread (owned by the coordinator).
 */
import { CheckpointFailedError } from './errors.ts';
import type { CheckpointFailureReason } from './failure-reason.ts';
import type { PendingCheckpoint } from './pending-checkpoint.ts';
import type { CheckpointStorage, CommitOptions, CompletedCheckpoint } from './storage/checkpoint-storage.ts';
import type { CheckpointMetadata } from './storage/metadata.ts';

/** How a commit ended. */
export type CommitResult =
  | { readonly kind: 'completed'; readonly checkpoint: CompletedCheckpoint }
  | {
      readonly kind: 'failed';
      readonly reason: CheckpointFailureReason;
      readonly error: CheckpointFailedError;
      /** Whether what the tasks wrote is still there and must be deleted. */
      readonly discardState: boolean;
    };

/** Serialises commits. */
export class CheckpointCommitter {
  readonly #storage: CheckpointStorage;
  readonly #onError: (error: unknown) => void;
  #chain: Promise<void> = Promise.resolve();

  /** `onError` receives errors of background deletions and of `onResult` callbacks. */
  constructor(storage: CheckpointStorage, onError: (error: unknown) => void) {
    this.#storage = storage;
    this.#onError = onError;
  }

  /**
   * Queues the commit of `pending` (finalizing) with `metadata`; `onResult` runs when it ends. The
   * returned promise resolves after `onResult` ran and never rejects.
   */
  commit(
    pending: PendingCheckpoint,
    metadata: CheckpointMetadata,
    options: CommitOptions,
    onResult: (result: CommitResult) => void,
  ): Promise<void> {
    const step = async (): Promise<void> => onResult(await this.#run(pending, metadata, options));
    // A step whose callback throws must not block the commits after it.
    this.#chain = this.#chain.then(step).catch(this.#onError);
    return this.#chain;
  }

  async #run(
    pending: PendingCheckpoint,
    metadata: CheckpointMetadata,
    options: CommitOptions,
  ): Promise<CommitResult> {
    const early = pending.abortRequest;
    if (early !== undefined) return { kind: 'failed', ...early, discardState: true };
    let checkpoint: CompletedCheckpoint;
    try {
      checkpoint = await this.#storage.commit(metadata, options);
    } catch (cause) {
      const error = new CheckpointFailedError(pending.checkpointId, 'storage-failed', { cause });
      return { kind: 'failed', reason: 'storage-failed', error, discardState: true };
    }
    const late = pending.abortRequest;
    if (late === undefined) return { kind: 'completed', checkpoint };
    await this.#storage.discard(checkpoint).catch(this.#onError);
    return { kind: 'failed', ...late, discardState: false };
  }
}
