/**
 * The current key of a heap backend, shared by the backend (which sets it once per record) and
 * every state handle (which reads it on every access). Keeping it in one mutable object means a
 * state access costs two field reads and a `Map` lookup, with no allocation.
 *
 * Thread: the owning subtask's worker thread.
 */
import { StateAccessError } from '../errors.ts';
import { EncodedKey } from '../key-encoding.ts';

/** The current key and where its state lives. */
export class KeyContext {
  /** The user's key. */
  key: unknown = undefined;
  /** The key as state maps store it (see `key-encoding.ts`). */
  mapKey: unknown = undefined;
  /** The key group minus the first owned key group; -1 when there is no usable current key. */
  group = -1;
  /** The key group, or -1. */
  keyGroup = -1;
  /** Set by `dispose`; `group` is then -1 for good. */
  disposed = false;
  /** Scratch space for `encodeKey`, reused for every record. */
  readonly encoded = new EncodedKey();

  /** Makes no key current (after dispose, or when setting a key failed half-way). */
  reset(): void {
    this.key = undefined;
    this.mapKey = undefined;
    this.group = -1;
    this.keyGroup = -1;
  }

  /** Throws the error for a state access without a usable current key. */
  fail(): never {
    if (this.disposed) throw new StateAccessError('disposed', 'the keyed state backend was disposed');
    throw new StateAccessError(
      'no-current-key',
      'keyed state was accessed with no current key: call setCurrentKey before reading or writing state',
    );
  }
}
