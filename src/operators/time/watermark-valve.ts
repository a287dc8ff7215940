/**
 * Combines the watermarks and idleness of a subtask's input channels into the subtask's own
 * (Flink's StatusWatermarkValve): the output watermark is the minimum over the active channels
 * that are aligned (have caught up with the last output), it never goes backwards, and the output
 * is idle only while every channel is.
 *
 * - A channel that turns idle stops holding the minimum back. When all channels are idle, the
 *   largest watermark among them is output (it is safe: each had promised it) and the output turns
 *   idle.
 * - A channel that becomes active again counts only once its watermark reaches the last output
 *   watermark: until then, including it would make the output go back.
 * - A channel that ended counts as having sent {@link MAX_WATERMARK}.
 *
 * Thread: the subtask's worker thread only. Pure logic: the output goes to the callbacks given.
 */
import { MAX_WATERMARK, MIN_WATERMARK } from './watermark.ts';

/** Where the combined watermark and status go. */
export interface ValveOutput {
  watermark(timestamp: number): void;
  status(idle: boolean): void;
}

interface ChannelState {
  watermark: number;
  idle: boolean;
  aligned: boolean;
}

export class WatermarkValve {
  readonly #channels: ChannelState[];
  readonly #output: ValveOutput;
  #lastWatermark = MIN_WATERMARK;
  #idle = false;

  constructor(channels: number, output: ValveOutput) {
    this.#channels = Array.from({ length: channels }, () => ({
      watermark: MIN_WATERMARK,
      idle: false,
      aligned: true,
    }));
    this.#output = output;
  }

  /** The last watermark output. */
  get watermark(): number {
    return this.#lastWatermark;
  }

  /** Whether the output is idle. */
  get idle(): boolean {
    return this.#idle;
  }

  /** Channel `channel` delivered watermark `timestamp`. */
  inputWatermark(channel: number, timestamp: number): void {
    const state = this.#channels[channel]!;
    // An idle channel sends no watermark; one that does is taken as active again.
    if (state.idle) this.inputStatus(channel, false);
    if (timestamp <= state.watermark) return;
    state.watermark = timestamp;
    if (!state.aligned && timestamp >= this.#lastWatermark) state.aligned = true;
    this.#outputMinOfAligned();
  }

  /** Channel `channel` turned idle, or active again. */
  inputStatus(channel: number, idle: boolean): void {
    const state = this.#channels[channel]!;
    if (idle === state.idle) return;
    if (idle) {
      state.idle = true;
      state.aligned = false;
      if (this.#channels.every((c) => c.idle)) {
        this.#outputMaxOfAll();
        this.#setIdle(true);
      } else {
        this.#outputMinOfAligned();
      }
      return;
    }
    state.idle = false;
    if (state.watermark >= this.#lastWatermark) state.aligned = true;
    this.#setIdle(false);
  }

  /** Channel `channel` ended: it holds nothing back any more. */
  inputEnded(channel: number): void {
    const state = this.#channels[channel]!;
    state.idle = false;
    this.inputWatermark(channel, MAX_WATERMARK);
  }

  #outputMinOfAligned(): void {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (const c of this.#channels) {
      if (c.idle || !c.aligned) continue;
      any = true;
      if (c.watermark < min) min = c.watermark;
    }
    if (any && min > this.#lastWatermark) {
      this.#lastWatermark = min;
      this.#output.watermark(min);
    }
  }

  #outputMaxOfAll(): void {
    let max = MIN_WATERMARK;
    for (const c of this.#channels) if (c.watermark > max) max = c.watermark;
    if (max > this.#lastWatermark) {
      this.#lastWatermark = max;
      this.#output.watermark(max);
    }
  }

  #setIdle(idle: boolean): void {
    if (idle === this.#idle) return;
    this.#idle = idle;
    this.#output.status(idle);
  }
}
