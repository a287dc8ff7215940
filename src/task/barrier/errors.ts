/**
 * Errors of barrier handling. A subtask's inputs are FIFO channels from single producers, so a
 * barrier that arrives twice on one channel, or anything that arrives after a channel's end of
 * input, can only come from a bug upstream or in the subtask's read loop: it is an internal error
 * that fails the subtask, never an outcome the handler absorbs silently.
 */
import { WeirError } from '../../errors.ts';

/** An input channel broke the barrier protocol (duplicate barrier, event after end of input, ...). */
export class BarrierProtocolError extends WeirError {
  /** The input channel index that misbehaved. */
  readonly channel: number;

  constructor(channel: number, detail: string) {
    super('ERR_INTERNAL', 'internal', `input channel ${channel} broke the barrier protocol: ${detail}`);
    this.channel = channel;
  }
}
