/**
 * Which of a subtask's input channels have ended, and the checks every control event goes through
 * before a barrier handler acts on it: the index is in range and the channel has not ended (a
 * FIFO channel delivers nothing after its end of input).
 */
import { BarrierProtocolError } from './errors.ts';

/** The ended/open status of a fixed number of input channels. */
export class InputChannels {
  /** Number of input channels. */
  readonly size: number;
  /** 1 where the channel has delivered end of input; read by {@link PendingBarriers.start}. */
  readonly ended: Uint8Array;
  #endedCount = 0;

  constructor(size: number) {
    this.size = size;
    this.ended = new Uint8Array(size);
  }

  /** Number of channels that have ended. */
  get endedCount(): number {
    return this.#endedCount;
  }

  /** Throws {@link BarrierProtocolError} unless `channel` is a valid index of an open channel. */
  checkOpen(channel: number, event: string): void {
    if (!(Number.isInteger(channel) && channel >= 0 && channel < this.size)) {
      throw new BarrierProtocolError(channel, `${event} on a channel outside 0..${this.size - 1}`);
    }
    if (this.ended[channel] === 1) throw new BarrierProtocolError(channel, `${event} after end of input`);
  }

  /** Records that `channel` ended; throws if it is invalid or had already ended. */
  end(channel: number): void {
    this.checkOpen(channel, 'end of input');
    this.ended[channel] = 1;
    this.#endedCount++;
  }
}
