/**
 * Event and processing time of one subtask, as the task loop drives them: the input channels'
 * watermarks and idleness combined by a {@link WatermarkValve} into the chain's head, the end of a
 * source as the maximum watermark, and the chain's processing-time timers fired between records.
 *
 * Thread: the subtask's worker thread only.
 */

import { TimestampedRecord } from '../channel/timestamped-record.ts';
import type { ProcessingTimers } from '../operators/time/processing-time-service.ts';
import { MAX_WATERMARK, MIN_WATERMARK } from '../operators/time/watermark.ts';
import { WatermarkValve } from '../operators/time/watermark-valve.ts';
import type { OperatorChain } from './operator-chain.ts';

export class TaskTime {
  readonly #chain: OperatorChain;
  readonly #timers: ProcessingTimers;
  readonly #valve: WatermarkValve | undefined;

  /** `channels`: the number of input channels (0 for a source task). */
  constructor(chain: OperatorChain, channels: number) {
    this.#chain = chain;
    this.#timers = chain.processingTimers;
    this.#valve =
      channels > 0
        ? new WatermarkValve(channels, {
            watermark: (timestamp) => chain.head.emitWatermark(timestamp),
            status: (idle) => chain.head.emitWatermarkStatus(idle),
          })
        : undefined;
  }

  /**
   * A record decoded from a frame (restored output channel state) as the chain's output sees it:
   * its value, with its timestamp, if any, in the chain's record-time slot.
   */
  unwrap(record: unknown): unknown {
    if (!(record instanceof TimestampedRecord)) {
      this.#chain.recordTime.current = undefined;
      return record;
    }
    this.#chain.recordTime.current = record.timestamp;
    return record.value;
  }

  /** The watermark combined from the inputs, once there is one (for metrics). */
  get inputWatermark(): number | undefined {
    const watermark = this.#valve?.watermark;
    return watermark === undefined || watermark === MIN_WATERMARK ? undefined : watermark;
  }

  /** Channel `channel` delivered a watermark. */
  onWatermark(channel: number, timestamp: number): void {
    this.#valve?.inputWatermark(channel, timestamp);
  }

  /** Channel `channel` went idle or became active. */
  onWatermarkStatus(channel: number, idle: boolean): void {
    this.#valve?.inputStatus(channel, idle);
  }

  /** Channel `channel` ended: it holds back no watermark any more. */
  onEndOfInput(channel: number): void {
    this.#valve?.inputEnded(channel);
  }

  /** The source is exhausted: event time jumps to its end, firing every pending timer and window. */
  onSourceEnd(): void {
    this.#chain.head.emitWatermark(MAX_WATERMARK);
  }

  /** Fires the processing-time timers that are due. */
  fireTimers(): void {
    this.#timers.fireDue();
  }

  /** How long the loop may wait before a processing-time timer is due (ms; Infinity: none). */
  msUntilTimer(): number {
    return this.#timers.msUntilDue();
  }
}
