/**
 * The producer end of one channel: batches records into frames and writes them into a ring (or,
 * for a batch job run by stages, a blocking partition's file, which never fills).
 *
 * Thread: the producing subtask's thread only.
 *
 * Records collect in a batch until the batch reaches its size bound (an encoded size target, turned
 * into a record count from the average record size seen so far) or until the owner calls
 * {@link ChannelWriter.flushIfDue} after the flush timeout. Barriers, cancellation barriers and end
 * of input flush the batch first and are written at once, so they keep their place in the stream.
 *
 * Backpressure: when the ring is full, the encoded frame goes into a backlog and `blocked` turns
 * true; the owner must stop emitting and `await waitForSpace()`. The backlog therefore holds at most
 * what one input record produced (plus one control frame), so memory stays bounded by the ring
 * capacity plus one batch. With `inFlightTargetMs` (buffer debloating, see {@link InFlightLimit}),
 * "full" means the part of the ring that drains within the target, and batches shrink with it.
 */
import { ChannelClosedError, type RecordEncodeError } from '../errors.ts';
import { BlockingPartitionWriter } from './blocking-partition.ts';
import { type ChannelDescriptor, isBlockingPartition } from './channel-descriptor.ts';
import {
  BARRIER_PAYLOAD_BYTES,
  type Barrier,
  CANCEL_BARRIER_PAYLOAD_BYTES,
  encodeBarrier,
  FrameKind,
  LATENCY_MARKER_PAYLOAD_BYTES,
  WATERMARK_PAYLOAD_BYTES,
  WATERMARK_STATUS_PAYLOAD_BYTES,
} from './frame.ts';
import type { FrameSink } from './frame-channel.ts';
import { InFlightLimit } from './in-flight-limit.ts';
import { RecordEncoder } from './record-codec.ts';
import { RingBuffer } from './ring-buffer.ts';
import { type RecordTime, TimestampedRecord } from './timestamped-record.ts';

/** Tuning of a {@link ChannelWriter}. */
export interface ChannelWriterOptions {
  /** Target encoded size of a record frame in bytes (capped at the ring's largest frame). */
  readonly batchBytes?: number;
  /** Longest time a record may wait in a partly filled batch, in ms (Flink's buffer timeout). */
  readonly flushTimeoutMs?: number;
  /**
   * Buffer debloating: fill a ring only as far as its consumer drains in this many ms (absent: the
   * whole ring). Blocking partitions ignore it (they never fill).
   */
  readonly inFlightTargetMs?: number;
  /** The clock of the in-flight limit's rate measurements (ms, monotonic); default `performance.now`. */
  readonly now?: () => number;
  /** The producing chain's record timestamps: a record emitted while it holds one is sent with it. */
  readonly time?: RecordTime;
}

/**
 * Default target size of one record frame. 64 KiB is ~2000 small records or ~60 of 1 KiB: large
 * enough that per-frame costs (a wake-up, a poll, setting up a decode) vanish even for large
 * records (measured with `npm run bench -- channel`: ~10% less CPU per 1 KiB record than 32 KiB),
 * small enough to stay in L2 and to leave 8 frames in weir's default 512 KiB ring.
 */
export const DEFAULT_BATCH_BYTES = 64 * 1024;
/** Default flush timeout (ms). */
export const DEFAULT_FLUSH_TIMEOUT_MS = 1;

const MAX_BATCH_RECORDS = 16_384;

interface PendingFrame {
  readonly kind: FrameKind;
  readonly bytes: Uint8Array;
}

/** Counters a writer keeps; cheap to read at any time (producer thread). */
export interface ChannelWriterStats {
  records: number;
  frames: number;
  bytes: number;
  /** Times the ring was full when a frame was ready. */
  blockedCount: number;
  /** Largest backlog ever held, in bytes: the memory the writer needed beyond the ring. */
  maxBacklogBytes: number;
}

export class ChannelWriter {
  /** The channel this writer fills: a ring, or a blocking partition's file. */
  readonly channel: FrameSink;
  /** Counters for metrics and tests. */
  readonly stats: ChannelWriterStats = {
    records: 0,
    frames: 0,
    bytes: 0,
    blockedCount: 0,
    maxBacklogBytes: 0,
  };

  readonly #encoder: RecordEncoder;
  readonly #batchBytes: number;
  /** Debloating: the ring (also {@link channel}) and how far this writer lets it fill. */
  readonly #ring: RingBuffer | undefined;
  readonly #limit: InFlightLimit | undefined;
  readonly #now: () => number;
  readonly #flushTimeoutMs: number;
  readonly #time: RecordTime;
  #batch: unknown[] = [];
  #batchLimit = 64;
  #batchStartedAt = 0;
  #backlog: PendingFrame[] = [];
  #backlogBytes = 0;
  #failure: RecordEncodeError | undefined;
  readonly #scratch = new Uint8Array(32);
  readonly #scratchView = new DataView(this.#scratch.buffer);

  constructor(descriptor: ChannelDescriptor | FrameSink, options: ChannelWriterOptions = {}) {
    this.channel = openSink(descriptor);
    this.#encoder = new RecordEncoder(this.channel.name);
    this.#batchBytes = Math.min(options.batchBytes ?? DEFAULT_BATCH_BYTES, this.channel.maxPayloadBytes);
    this.#flushTimeoutMs = options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS;
    this.#now = options.now ?? (() => performance.now());
    this.#time = options.time ?? { current: undefined };
    const ring = this.channel instanceof RingBuffer ? this.channel : undefined;
    if (ring !== undefined && options.inFlightTargetMs !== undefined) {
      this.#ring = ring;
      this.#limit = new InFlightLimit(options.inFlightTargetMs, ring.capacity, this.#now());
    }
  }

  /** Debloating: the bytes of the ring this writer lets fill now (the capacity without debloating). */
  get inFlightLimitBytes(): number {
    return this.#limit?.limitBytes ?? Number.POSITIVE_INFINITY;
  }

  /** @deprecated Renamed {@link channel} (it may be a blocking partition too). */
  get ring(): FrameSink {
    return this.channel;
  }

  /** The channel's name. */
  get name(): string {
    return this.channel.name;
  }

  /** True while frames wait for space in the ring: stop emitting and await {@link waitForSpace}. */
  get blocked(): boolean {
    return this.#backlog.length !== 0;
  }

  /** Records in the current, not yet encoded batch. */
  get pendingRecords(): number {
    return this.#batch.length;
  }

  /** Appends a record to the current batch; encodes and writes the batch when it is full. */
  emit(record: unknown): void {
    const batch = this.#batch;
    if (batch.length === 0) {
      if (this.#failure)
        throw new ChannelClosedError(this.name, 'a record could not be encoded', this.#failure);
      this.#batchStartedAt = performance.now();
    }
    const timestamp = this.#time.current;
    batch.push(timestamp === undefined ? record : new TimestampedRecord(record, timestamp));
    if (batch.length >= this.#batchLimit) this.flush();
  }

  /** Encodes and writes the current batch, if any. */
  flush(): void {
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    this.#writeRecords(batch);
  }

  /** Flushes when the oldest pending record has waited the flush timeout; returns the next deadline. */
  flushIfDue(now: number = performance.now()): number {
    if (this.#batch.length === 0) return Number.POSITIVE_INFINITY;
    const deadline = this.#batchStartedAt + this.#flushTimeoutMs;
    if (now >= deadline) {
      this.flush();
      return Number.POSITIVE_INFINITY;
    }
    return deadline;
  }

  /** Flushes, then writes a checkpoint barrier. */
  emitBarrier(barrier: Barrier): void {
    encodeBarrier(barrier, this.#scratchView, 0);
    this.#control(FrameKind.Barrier, BARRIER_PAYLOAD_BYTES);
  }

  /**
   * Unaligned checkpoints: writes `barrier` ahead of the records this writer holds back behind a
   * full ring (the backlog, the partial batch included) and returns their frames, which the caller
   * persists as output channel state; they still go out, after the barrier. With nothing held back,
   * or a control frame in the backlog (which must keep its place), this is {@link emitBarrier} and
   * returns no frame.
   */
  emitBarrierAhead(barrier: Barrier): Uint8Array[] {
    this.flush();
    const held = this.#backlog;
    if (held.length === 0 || held.some((frame) => frame.kind !== FrameKind.Records)) {
      this.emitBarrier(barrier);
      return [];
    }
    encodeBarrier(barrier, this.#scratchView, 0);
    this.#backlog = [];
    // A barrier is a few bytes: it may take room the in-flight limit keeps back for records.
    if (this.channel.tryWrite(FrameKind.Barrier, this.#scratch, BARRIER_PAYLOAD_BYTES)) {
      this.#limit?.appended(RingBuffer.frameBytes(BARRIER_PAYLOAD_BYTES));
      this.#count(FrameKind.Barrier, BARRIER_PAYLOAD_BYTES);
    } else {
      this.#enqueue(FrameKind.Barrier, this.#scratch.slice(0, BARRIER_PAYLOAD_BYTES));
    }
    this.#backlog.push(...held);
    // The backlog's frames are the writer's own copies, never changed: safe to persist as they are.
    return held.map((frame) => frame.bytes);
  }

  /** Flushes, then writes a cancellation barrier for `checkpointId`. */
  emitCancelBarrier(checkpointId: number): void {
    this.#scratchView.setFloat64(0, checkpointId, true);
    this.#control(FrameKind.CancelBarrier, CANCEL_BARRIER_PAYLOAD_BYTES);
  }

  /** Flushes, then writes a watermark. */
  emitWatermark(timestamp: number): void {
    this.#scratchView.setFloat64(0, timestamp, true);
    this.#control(FrameKind.Watermark, WATERMARK_PAYLOAD_BYTES);
  }

  /** Flushes, then writes a watermark status: the stream went idle, or became active again. */
  emitWatermarkStatus(idle: boolean): void {
    this.#scratchView.setUint32(0, idle ? 1 : 0, true);
    this.#control(FrameKind.WatermarkStatus, WATERMARK_STATUS_PAYLOAD_BYTES);
  }

  /** Flushes, then writes a latency marker. */
  emitLatencyMarker(markedTime: number, sourceSubtask: number): void {
    this.#scratchView.setFloat64(0, markedTime, true);
    this.#scratchView.setFloat64(8, sourceSubtask, true);
    this.#control(FrameKind.LatencyMarker, LATENCY_MARKER_PAYLOAD_BYTES);
  }

  /** Flushes, then writes end of input; the writer must not be used afterwards. */
  emitEndOfInput(): void {
    this.#control(FrameKind.EndOfInput, 0);
  }

  /** Writes backlogged frames while they fit; returns true when the backlog is empty. */
  tryDrain(): boolean {
    const backlog = this.#backlog;
    let i = 0;
    while (i < backlog.length) {
      const frame = backlog[i]!;
      if (!this.#write(frame.kind, frame.bytes, frame.bytes.length)) break;
      this.#count(frame.kind, frame.bytes.length);
      this.#backlogBytes -= frame.bytes.length;
      i++;
    }
    if (i === backlog.length) this.#backlog = [];
    else if (i > 0) this.#backlog = backlog.slice(i);
    return this.#backlog.length === 0;
  }

  /**
   * Waits until the backlog has been written into the channel, or the channel is closed. Never
   * blocks the event loop; wakes at least every `MAX_PARK_MS` so the caller can check for
   * cancellation.
   */
  async waitForSpace(shouldStop: () => boolean = never): Promise<void> {
    const channel = this.channel;
    while (!this.tryDrain()) {
      if (shouldStop()) return;
      if (channel.closed)
        throw new ChannelClosedError(this.name, 'closed while the producer waited for space');
      await this.#sleepUntilAdmitted(this.#backlog[0]!.bytes.length);
    }
  }

  /**
   * Parks until the backlog's first frame (payload `length`) may go: until the ring has space for
   * it or, when the in-flight limit holds it back although the ring has room, until the consumer
   * has drained the ring below the limit. (Waiting for space for a frame as large as the ring's room
   * beyond the limit, as this did, counts wrap padding: once the write position is past the first
   * `limit` bytes that space never comes, and a consumer that emptied the ring just before the park
   * left the producer asleep for MAX_PARK_MS.)
   */
  #sleepUntilAdmitted(length: number): Promise<void> | undefined {
    const ring = this.#ring;
    if (ring === undefined || !ring.hasSpaceFor(length)) return this.channel.sleepUntilSpace(length);
    return ring.sleepUntilUsedAtMost(Math.max(0, this.#limit!.limitBytes - RingBuffer.frameBytes(length)));
  }

  /** Writes a frame if the channel has room for it within the in-flight limit. */
  #write(kind: FrameKind, payload: Uint8Array | null, length: number): boolean {
    const limit = this.#limit;
    if (limit === undefined) return this.channel.tryWrite(kind, payload, length);
    const ring = this.#ring!;
    const used = ring.usedBytes();
    limit.sample(this.#now(), used);
    const frameBytes = RingBuffer.frameBytes(length);
    if (!limit.admits(frameBytes, used) || !ring.tryWrite(kind, payload, length)) return false;
    limit.appended(frameBytes);
    return true;
  }

  #control(kind: FrameKind, length: number): void {
    this.flush();
    const payload = length === 0 ? null : this.#scratch;
    if (this.#backlog.length === 0 && this.#write(kind, payload, length)) {
      this.#count(kind, length);
      return;
    }
    this.#enqueue(kind, payload === null ? new Uint8Array(0) : payload.slice(0, length));
  }

  #writeRecords(records: unknown[]): void {
    let bytes: Uint8Array;
    try {
      bytes = this.#encoder.encode(records);
    } catch (error) {
      this.#failEncode(records, error as RecordEncodeError);
    }
    if (bytes.length > this.channel.maxPayloadBytes && records.length > 1) {
      // Rare: the size estimate was off. Split and retry; order is preserved.
      const half = records.length >>> 1;
      this.#writeRecords(records.slice(0, half));
      this.#writeRecords(records.slice(half));
      return;
    }
    this.#adaptBatchLimit(bytes.length, records.length);
    const channel = this.channel;
    if (this.#backlog.length === 0 && this.#write(FrameKind.Records, bytes, bytes.length)) {
      this.#count(FrameKind.Records, bytes.length);
      this.stats.records += records.length;
      return;
    }
    if (bytes.length > channel.maxPayloadBytes) {
      channel.tryWrite(FrameKind.Records, bytes, bytes.length); // throws FrameTooLargeError
    }
    this.stats.records += records.length;
    // A copy: the encoder reuses its buffer (and Buffer#slice would only make a view of it).
    this.#enqueue(FrameKind.Records, new Uint8Array(bytes));
  }

  /** Writes the records before the bad one, then fails the channel for good. */
  #failEncode(records: unknown[], error: RecordEncodeError): never {
    const bad = this.#encoder.firstUnencodable(records);
    if (bad > 0) this.#writeRecords(records.slice(0, bad));
    this.#failure = error;
    throw error;
  }

  #adaptBatchLimit(bytes: number, count: number): void {
    const perRecord = bytes / count;
    const target = this.#limit?.batchBytes(this.#batchBytes) ?? this.#batchBytes;
    const limit = Math.floor(target / Math.max(perRecord, 1));
    this.#batchLimit = Math.max(1, Math.min(MAX_BATCH_RECORDS, limit));
  }

  #enqueue(kind: FrameKind, bytes: Uint8Array): void {
    if (this.#backlog.length === 0) this.stats.blockedCount++;
    this.#backlog.push({ kind, bytes });
    this.#backlogBytes += bytes.length;
    if (this.#backlogBytes > this.stats.maxBacklogBytes) this.stats.maxBacklogBytes = this.#backlogBytes;
  }

  #count(_kind: FrameKind, length: number): void {
    this.stats.frames++;
    this.stats.bytes += length;
  }
}

function openSink(descriptor: ChannelDescriptor | FrameSink): FrameSink {
  if ('tryWrite' in descriptor) return descriptor;
  return isBlockingPartition(descriptor)
    ? new BlockingPartitionWriter(descriptor)
    : new RingBuffer(descriptor);
}

function never(): boolean {
  return false;
}
