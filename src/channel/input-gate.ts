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
import { type Barrier, type ChannelEvent, decodeBarrier, FrameKind } from './frame.ts';
import type { FrameSource } from './frame-channel.ts';
import { RecordDecoder } from './record-codec.ts';
import { createDoorbell, RingBuffer, type RingDescriptor } from './ring-buffer.ts';

/** Options of an {@link InputGate}. */
export interface InputGateOptions {
  /**
   * Take unaligned barriers out of band (unaligned checkpoints that overtake): `poll` looks ahead
   * in every ring, and a barrier flagged `unaligned` with only records before it is delivered at
   * once as an `overtaking-barrier` event with copies of the record frames it overtook (for the
   * checkpoint's channel state); those records are still read afterwards, as usual, and an
   * `overtaken` event marks the barrier's own place. Only records are overtaken: the scan stops
   * at any other control frame, so control events keep their order. Default false.
   */
  readonly overtakeUnalignedBarriers?: boolean;
}

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
  /** Bytes of record frames read so far (for metrics; consumer thread). */
  bytesIn = 0;
  readonly #overtake: boolean;
  /** Per channel: frames ahead of the read position already scanned for an unaligned barrier. */
  readonly #scanned: number[];
  /**
   * Per channel: the places (frames ahead) of barriers already delivered out of band, ascending,
   * and their checkpoint ids; a later barrier may overtake past them.
   */
  readonly #ahead: number[][];
  readonly #aheadId: number[][];

  /** All ring descriptors must share one doorbell (the consumer's). */
  constructor(descriptors: readonly ChannelDescriptor[], options: InputGateOptions = {}) {
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
    this.#overtake = options.overtakeUnalignedBarriers ?? false;
    this.#scanned = descriptors.map(() => 0);
    this.#ahead = descriptors.map(() => []);
    this.#aheadId = descriptors.map(() => []);
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
    if (this.#overtake) {
      for (let i = 0; i < n; i++) {
        const found = this.#overtaking(i);
        if (found !== undefined) return { channel: i, event: { kind: 'overtaking-barrier', ...found } };
      }
    }
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

  /**
   * An unaligned barrier that may overtake now, for a consumer in the middle of a frame's records
   * (a slow operator). `null` when none has arrived, or, unless `pastEarlier`, while a barrier
   * taken out of band earlier is still ahead in some channel (the records being processed may then
   * be overtaken ones).
   */
  pollOvertaking(pastEarlier = false): GateEvent | null {
    if (!this.#overtake) return null;
    if (!pastEarlier) for (const ahead of this.#ahead) if (ahead.length > 0) return null;
    for (let i = 0; i < this.channels.length; i++) {
      // Even a barrier next in its ring: the records it goes ahead of are the ones being processed.
      const found = this.#overtaking(i, true);
      if (found !== undefined) return { channel: i, event: { kind: 'overtaking-barrier', ...found } };
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

  /**
   * An unaligned barrier of channel `i` with records before it, now taken out of band; it scans
   * only the frames that arrived since the last look. A barrier with nothing before it is left to
   * be read in band.
   */
  #overtaking(i: number, evenFirst = false): { barrier: Barrier; overtaken: Uint8Array[] } | undefined {
    const channel = this.channels[i]!;
    if (this.#ended[i] || !(channel instanceof RingBuffer)) return undefined;
    const delivered = this.#ahead[i]!;
    let barrier: Barrier | undefined;
    let stop = -1;
    const looked = channel.scanAhead(this.#scanned[i]!, (index, kind, offset) => {
      if (
        kind === FrameKind.Records ||
        kind === FrameKind.Watermark ||
        kind === FrameKind.WatermarkStatus ||
        kind === FrameKind.LatencyMarker
      )
        return false;
      // A barrier delivered out of band already: a later one may overtake it too.
      if (kind === FrameKind.Barrier && delivered.includes(index)) return false;
      stop = index;
      if (kind === FrameKind.Barrier) {
        const found = decodeBarrier(channel.view, offset);
        if (found.unaligned && !found.savepoint && (index > 0 || evenFirst)) barrier = found;
      }
      return true;
    });
    // Stopped at a control frame it may not pass: look at it again next time (it is read in band).
    this.#scanned[i] = barrier === undefined && stop >= 0 ? stop : looked;
    if (barrier === undefined) return undefined;
    delivered.push(stop);
    this.#aheadId[i]!.push(barrier.checkpointId);
    // Copies: the ring's bytes are the producer's again once the consumer has read them.
    const overtaken: Uint8Array[] = [];
    channel.scanAhead(0, (index, kind, offset, length) => {
      if (index >= stop) return true;
      if (kind === FrameKind.Records) overtaken.push(channel.bytes.slice(offset, offset + length));
      return false;
    });
    return { barrier, overtaken };
  }

  #read(i: number): ChannelEvent | null {
    const channel = this.channels[i]!;
    const kind = channel.peek();
    if (kind < 0) return null;
    const ahead = this.#ahead[i]!;
    // Every frame read moves the places ahead one closer.
    const overtaken = ahead[0] === 0;
    for (let k = 0; k < ahead.length; k++) ahead[k] = ahead[k]! - 1;
    if (this.#scanned[i]! > 0) this.#scanned[i] = this.#scanned[i]! - 1;
    if (overtaken) {
      // An overtaking barrier's own frame: delivered already, out of band.
      if (kind !== FrameKind.Barrier)
        throw new ChannelCorruptError(channel.name, `an overtaken barrier's frame turned into kind ${kind}`);
      channel.release();
      ahead.shift();
      return { kind: 'overtaken', checkpointId: this.#aheadId[i]!.shift()! };
    }
    const offset = channel.frameOffset;
    const length = channel.frameLength;
    let event: ChannelEvent;
    switch (kind) {
      case FrameKind.Records:
        this.bytesIn += length;
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
      case FrameKind.WatermarkStatus:
        event = { kind: 'watermark-status', idle: channel.view.getUint32(offset, true) === 1 };
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
