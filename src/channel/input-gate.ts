/**
 * The consumer end of a subtask's inputs: several channels (rings, or the blocking partitions of a
 * batch job run by stages) read fairly, one wake-up word for all.
 *
 * Thread: the consuming subtask's thread only.
 *
 * `poll` returns the next event from the channels in round-robin order (one frame per channel per
 * turn), skipping paused and finished channels. A paused channel keeps its data in its ring, so
 * its producer eventually blocks: that is how barrier alignment holds a channel back without
 * buffering it. `waitForInput` parks on the shared doorbell until any unpaused channel has data.
 */
import { ChannelCorruptError } from '../errors.ts';
import { BlockingPartitionReader } from './blocking-partition-reader.ts';
import { type ChannelDescriptor, isBlockingPartition } from './channel-descriptor.ts';
import { Doorbell } from './doorbell.ts';
import { type ChannelEvent, decodeBarrier, FrameKind } from './frame.ts';
import type { FrameSource } from './frame-channel.ts';
import { RecordDecoder } from './record-codec.ts';
import { createDoorbell, RingBuffer, type RingDescriptor } from './ring-buffer.ts';

/** An event and the index of the input channel it came from. */
export interface GateEvent {
  readonly channel: number;
  readonly event: ChannelEvent;
}

export class InputGate {
  /** The input channels (rings or blocking partitions), in channel-index order. */
  readonly channels: readonly FrameSource[];
  readonly #doorbell: Doorbell;
  readonly #decoder = new RecordDecoder();
  readonly #views: Buffer[];
  readonly #paused: boolean[];
  readonly #ended: boolean[];
  #endedCount = 0;
  #next = 0;

  /** All ring descriptors must share one doorbell (the consumer's). */
  constructor(descriptors: readonly ChannelDescriptor[]) {
    if (descriptors.length === 0) throw new RangeError('an input gate needs at least one channel');
    // Every ring was created with the consumer's doorbell (createRing's `doorbell` option); after
    // postMessage they are distinct objects over that same memory, so take the first. Blocking
    // partitions need none (their data is all there), but control messages still ring one.
    const ring = descriptors.find((d): d is RingDescriptor => !isBlockingPartition(d));
    this.#doorbell = new Doorbell(ring?.doorbell ?? createDoorbell());
    const channels: FrameSource[] = [];
    try {
      for (const d of descriptors)
        channels.push(isBlockingPartition(d) ? new BlockingPartitionReader(d) : new RingBuffer(d));
    } catch (error) {
      closeFiles(channels);
      throw error;
    }
    this.channels = channels;
    this.#views = this.channels.map((c) =>
      Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength),
    );
    this.#paused = descriptors.map(() => false);
    this.#ended = descriptors.map(() => false);
  }

  /** @deprecated Renamed {@link channels} (they may be blocking partitions too). */
  get rings(): readonly FrameSource[] {
    return this.channels;
  }

  /**
   * Releases what the channels hold outside memory: the open files of blocking partitions. Rings
   * are left alone (closing one would wake its producer). Call it when the consumer ends, however
   * it ends; reading afterwards is an error.
   */
  close(): void {
    closeFiles(this.channels);
  }

  /** Number of input channels. */
  get size(): number {
    return this.channels.length;
  }

  /** True once every channel has delivered end of input. */
  get finished(): boolean {
    return this.#endedCount === this.channels.length;
  }

  /** Whether channel `i` has delivered end of input. */
  isEnded(i: number): boolean {
    return this.#ended[i]!;
  }

  /** Stops reading channel `i`; its data stays in its ring. */
  pause(i: number): void {
    this.#paused[i] = true;
  }

  /** Resumes reading channel `i`. */
  resume(i: number): void {
    this.#paused[i] = false;
  }

  /** Resumes every channel. */
  resumeAll(): void {
    this.#paused.fill(false);
  }

  /** Whether channel `i` is paused. */
  isPaused(i: number): boolean {
    return this.#paused[i]!;
  }

  /** The next event of any readable channel, fairly, or null when none has data now. */
  poll(): GateEvent | null {
    const n = this.channels.length;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      if (this.#paused[i] || this.#ended[i]) continue;
      const event = this.#read(i);
      if (event !== null) {
        this.#next = (i + 1) % n;
        return { channel: i, event };
      }
    }
    return null;
  }

  /** Whether some unpaused, unfinished channel has a frame to read. */
  hasInput(): boolean {
    for (let i = 0; i < this.channels.length; i++) {
      if (!this.#paused[i] && !this.#ended[i] && this.channels[i]!.readable()) return true;
    }
    return false;
  }

  /**
   * Waits until some unpaused channel has data, a producer or control message rings the doorbell,
   * or `timeoutMs` passes. Returns `undefined` (no await needed) when input is already there.
   */
  waitForInput(timeoutMs: number): Promise<void> | undefined {
    return this.#doorbell.sleep(() => this.hasInput(), timeoutMs);
  }

  /** Wakes this gate's consumer from a control-message handler (cancel, trigger). */
  wake(): void {
    this.#doorbell.ring();
  }

  #read(i: number): ChannelEvent | null {
    const channel = this.channels[i]!;
    const kind = channel.peek();
    if (kind < 0) return null;
    const offset = channel.frameOffset;
    const length = channel.frameLength;
    let event: ChannelEvent;
    switch (kind) {
      case FrameKind.Records:
        event = {
          kind: 'records',
          records: this.#decoder.decode(this.#views[i]!.subarray(offset, offset + length)),
        };
        break;
      case FrameKind.Barrier:
        event = { kind: 'barrier', barrier: decodeBarrier(channel.view, offset) };
        break;
      case FrameKind.CancelBarrier:
        event = { kind: 'cancel-barrier', checkpointId: channel.view.getFloat64(offset, true) };
        break;
      case FrameKind.EndOfInput:
        this.#ended[i] = true;
        this.#endedCount++;
        event = { kind: 'end-of-input' };
        break;
      case FrameKind.Watermark:
        event = { kind: 'watermark', timestamp: channel.view.getFloat64(offset, true) };
        break;
      case FrameKind.LatencyMarker:
        event = {
          kind: 'latency-marker',
          markedTime: channel.view.getFloat64(offset, true),
          sourceSubtask: channel.view.getFloat64(offset + 8, true),
        };
        break;
      default:
        throw new ChannelCorruptError(channel.name, `unexpected frame kind ${kind}`);
    }
    channel.release();
    return event;
  }
}

function closeFiles(channels: readonly FrameSource[]): void {
  for (const channel of channels) if (channel instanceof BlockingPartitionReader) channel.close();
}
