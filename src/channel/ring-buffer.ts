/**
 * A single-producer single-consumer ring of variable-length frames over a SharedArrayBuffer.
 *
 * Threads: exactly one thread calls the producer methods (`tryWrite`, `parkProducer`) and exactly
 * one other thread calls the consumer methods (`peek`, `release`). Either may call `close`.
 *
 * ```
 *            readPos                      writePos
 *               │                            │
 *   data: ......[frame][frame][pad]|[frame][ ].........   (positions grow forever, modulo 2^32)
 *               └──────── used ──────────────┘
 *   empty  ⇔ writePos == readPos
 *   full   ⇔ capacity - (writePos - readPos) < bytes of the next frame (incl. wrap padding)
 * ```
 * Ordering: the producer writes a frame's bytes with plain stores and then publishes it with an
 * `Atomics.store` of WRITE_POS; the consumer's `Atomics.load` of WRITE_POS synchronises with that
 * store, so it never sees a half-written frame. Symmetrically the consumer frees space with an
 * `Atomics.store` of READ_POS after it has finished with a frame's bytes.
 *
 * Frames never wrap: when a frame does not fit before the end of the data region, the producer
 * fills the rest with a padding frame and starts at offset 0. Therefore a frame may take at most half
 * the capacity (`maxFrameBytes`); a larger one is refused with {@link FrameTooLargeError}, never
 * fragmented.
 *
 * Wake-ups: a consumer parks on its doorbell (shared by every ring that feeds it) and a producer on
 * the ring's SPACE_SEQ. Each side notifies only when the other has announced it is parked, which
 * happens only on the empty → non-empty and full → not-full transitions; a busy pair never
 * notifies. Park flags and positions are all sequentially consistent atomics, so of "producer
 * publishes then checks the flag" and "consumer sets the flag then re-checks the ring", at least one
 * side sees the other: no lost wake-up.
 */
import { ChannelCorruptError, FrameTooLargeError, InvalidOptionError } from '../errors.ts';
import { FrameKind, MAX_FRAME_KIND } from './frame.ts';
import type { FrameSink, FrameSource } from './frame-channel.ts';
import {
  alignFrame,
  CLOSED,
  DOORBELL_BYTES,
  DOORBELL_PARKED,
  DOORBELL_SEQ,
  FRAME_HEADER_BYTES,
  HEADER_BYTES,
  MAX_RING_CAPACITY,
  MIN_RING_CAPACITY,
  PRODUCER_PARKED,
  READ_POS,
  SPACE_SEQ,
  WRITE_POS,
} from './layout.ts';
import { MAX_PARK_MS, park } from './park.ts';

/**
 * Plain data that describes a ring; this is what crosses `postMessage`, and each thread builds its
 * own {@link RingBuffer} over the same memory from it.
 */
export interface RingDescriptor {
  /** Human-readable name used in errors, e.g. `map[0] -> sink[1]`. */
  readonly name: string;
  /** Header and data region of the ring. */
  readonly buffer: SharedArrayBuffer;
  /** Bytes of the data region, a power of two. */
  readonly capacity: number;
  /** The consumer's doorbell (see layout.ts); shared by all rings feeding one consumer. */
  readonly doorbell: SharedArrayBuffer;
}

/** Allocates a doorbell word pair for one consumer. */
export function createDoorbell(): SharedArrayBuffer {
  return new SharedArrayBuffer(DOORBELL_BYTES);
}

/** Options of {@link createRing}. */
export interface CreateRingOptions {
  /** Data bytes; a power of two between 1 KiB and 1 GiB. */
  readonly capacity: number;
  /** Name used in errors. */
  readonly name: string;
  /** The consumer's doorbell; a fresh one when omitted (a consumer with a single input). */
  readonly doorbell?: SharedArrayBuffer;
  /**
   * Starting position of both counters. Only tests set it, to exercise every offset and the
   * 2^32 wrap of the counters.
   */
  readonly initialPosition?: number;
}

/** Allocates the shared memory of a ring and returns its descriptor. */
export function createRing(options: CreateRingOptions): RingDescriptor {
  const { capacity, name } = options;
  if (
    !Number.isInteger(capacity) ||
    capacity < MIN_RING_CAPACITY ||
    capacity > MAX_RING_CAPACITY ||
    (capacity & (capacity - 1)) !== 0
  ) {
    throw new InvalidOptionError(
      'ringCapacity',
      `a power of two between ${MIN_RING_CAPACITY} and ${MAX_RING_CAPACITY} bytes`,
      capacity,
    );
  }
  const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity);
  const start = (options.initialPosition ?? 0) >>> 0;
  if (start % 8 !== 0) throw new InvalidOptionError('initialPosition', 'a multiple of 8', start);
  const words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  words[WRITE_POS] = start | 0;
  words[READ_POS] = start | 0;
  return { name, buffer, capacity, doorbell: options.doorbell ?? createDoorbell() };
}

/** One thread's handle on a ring. Build one per thread from the same {@link RingDescriptor}. */
export class RingBuffer implements FrameSink, FrameSource {
  /** Name used in errors. */
  readonly name: string;
  /** Bytes of the data region. */
  readonly capacity: number;
  /** Largest frame, header and alignment included, that the ring accepts. */
  readonly maxFrameBytes: number;
  /** Largest payload of one frame. */
  readonly maxPayloadBytes: number;
  /** The data region as bytes (payload reads and writes). */
  readonly bytes: Uint8Array;
  /** The data region as a DataView, for control payloads. */
  readonly view: DataView;
  /** The descriptor this handle was built from. */
  readonly descriptor: RingDescriptor;

  readonly #words: Int32Array;
  readonly #headers: Uint32Array;
  readonly #doorbell: Int32Array;
  readonly #mask: number;
  /** Producer-owned copy of WRITE_POS (only the producer thread reads it). */
  #writePos: number;
  /** Consumer-owned copy of READ_POS (only the consumer thread reads it). */
  #readPos: number;
  /** The frame `peek` found, until `release`. */
  #peekedBytes = 0;

  /** Payload offset (in `bytes`) of the frame returned by the last `peek`. */
  frameOffset = 0;
  /** Payload length of the frame returned by the last `peek`. */
  frameLength = 0;

  constructor(descriptor: RingDescriptor) {
    const { buffer, capacity } = descriptor;
    this.descriptor = descriptor;
    this.name = descriptor.name;
    this.capacity = capacity;
    this.maxFrameBytes = capacity / 2;
    this.maxPayloadBytes = this.maxFrameBytes - FRAME_HEADER_BYTES;
    this.bytes = new Uint8Array(buffer, HEADER_BYTES, capacity);
    this.view = new DataView(buffer, HEADER_BYTES, capacity);
    this.#words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#headers = new Uint32Array(buffer, HEADER_BYTES, capacity / 4);
    this.#doorbell = new Int32Array(descriptor.doorbell);
    this.#mask = capacity - 1;
    this.#writePos = Atomics.load(this.#words, WRITE_POS) >>> 0;
    this.#readPos = Atomics.load(this.#words, READ_POS) >>> 0;
  }

  /** Bytes written but not yet released by the consumer (either thread; a snapshot). */
  usedBytes(): number {
    return (Atomics.load(this.#words, WRITE_POS) - Atomics.load(this.#words, READ_POS)) >>> 0;
  }

  /** Whether {@link close} was called on either side. */
  get closed(): boolean {
    return Atomics.load(this.#words, CLOSED) !== 0;
  }

  /** Marks the ring closed and wakes both sides, so that no thread stays parked on it. */
  close(): void {
    Atomics.store(this.#words, CLOSED, 1);
    Atomics.add(this.#words, SPACE_SEQ, 1);
    Atomics.notify(this.#words, SPACE_SEQ);
    Atomics.add(this.#doorbell, DOORBELL_SEQ, 1);
    Atomics.notify(this.#doorbell, DOORBELL_SEQ);
  }

  // ── producer side ────────────────────────────────────────────────────────────────────────────

  /** Bytes a frame with this payload length occupies (header and alignment, no wrap padding). */
  static frameBytes(payloadLength: number): number {
    return FRAME_HEADER_BYTES + alignFrame(payloadLength);
  }

  /**
   * Appends a frame whose payload is `payload[0, length)`. Returns false, writing nothing, when the
   * ring lacks the space; throws {@link FrameTooLargeError} when it never could hold it.
   * Producer thread only.
   */
  tryWrite(kind: FrameKind, payload: Uint8Array | null, length: number): boolean {
    const total = FRAME_HEADER_BYTES + alignFrame(length);
    if (total > this.maxFrameBytes) throw new FrameTooLargeError(this.name, total, this.maxFrameBytes);
    let pos = this.#writePos;
    const used = (pos - (Atomics.load(this.#words, READ_POS) >>> 0)) >>> 0;
    const offset = pos & this.#mask;
    const toEnd = this.capacity - offset;
    const padding = toEnd < total ? toEnd : 0;
    if (this.capacity - used < padding + total) return false;
    if (padding !== 0) {
      this.#writeHeader(offset, toEnd - FRAME_HEADER_BYTES, FrameKind.Padding);
      pos = (pos + padding) >>> 0;
    }
    const at = pos & this.#mask;
    this.#writeHeader(at, length, kind);
    if (length !== 0 && payload !== null) {
      this.bytes.set(
        length === payload.length ? payload : payload.subarray(0, length),
        at + FRAME_HEADER_BYTES,
      );
    }
    this.#writePos = (pos + total) >>> 0;
    Atomics.store(this.#words, WRITE_POS, this.#writePos | 0);
    this.#wakeConsumer();
    return true;
  }

  /** Whether a frame of this payload length would fit now. Producer thread only. */
  hasSpaceFor(length: number): boolean {
    const total = FRAME_HEADER_BYTES + alignFrame(length);
    const used = (this.#writePos - (Atomics.load(this.#words, READ_POS) >>> 0)) >>> 0;
    const offset = this.#writePos & this.#mask;
    const toEnd = this.capacity - offset;
    const padding = toEnd < total ? toEnd : 0;
    return this.capacity - used >= padding + total;
  }

  /**
   * Announces that the producer is about to sleep on a full ring and returns the value to wait on
   * (`Atomics.waitAsync(spaceWord, SPACE_SEQ, value)`). The caller must re-check for space after
   * this call and before sleeping, and call {@link unparkProducer} when it wakes. Producer only.
   */
  parkProducer(): number {
    const seq = Atomics.load(this.#words, SPACE_SEQ);
    Atomics.store(this.#words, PRODUCER_PARKED, 1);
    return seq;
  }

  /** Clears the producer's parked flag. Producer thread only. */
  unparkProducer(): void {
    Atomics.store(this.#words, PRODUCER_PARKED, 0);
  }

  /**
   * Ends the producer's park early. Producer thread only, from its event loop: a control message
   * (a checkpoint trigger, cancel) must not wait out {@link MAX_PARK_MS} behind a full ring.
   */
  wakeProducer(): void {
    if (Atomics.load(this.#words, PRODUCER_PARKED) === 0) return;
    Atomics.add(this.#words, SPACE_SEQ, 1);
    Atomics.notify(this.#words, SPACE_SEQ);
  }

  /** The Int32Array and index a parked producer waits on. */
  get spaceWord(): Int32Array {
    return this.#words;
  }

  /**
   * Parks the producer until the consumer frees space for a frame of `length` payload bytes, the
   * ring closes, or {@link MAX_PARK_MS} passes; `undefined` (no await needed) when the space is
   * there already. Never blocks the event loop. Producer thread only.
   */
  sleepUntilSpace(length: number): Promise<void> | undefined {
    return this.#parkProducerUnless(() => this.hasSpaceFor(length));
  }

  /**
   * Parks the producer until the ring holds at most `maxUsedBytes` (buffer debloating: the in-flight
   * limit holds a frame back although the ring has room), the ring closes, or {@link MAX_PARK_MS}
   * passes; `undefined` when it holds that little already. Every release wakes a parked producer,
   * and the check after announcing the park sees a drain that happened before it: no lost wake-up.
   * Producer thread only.
   */
  sleepUntilUsedAtMost(maxUsedBytes: number): Promise<void> | undefined {
    return this.#parkProducerUnless(() => this.usedBytes() <= maxUsedBytes);
  }

  /** Announces the park, then parks unless `ready()` holds (checked after the announcement). */
  #parkProducerUnless(ready: () => boolean): Promise<void> | undefined {
    const seq = this.parkProducer();
    const waiting = ready() ? undefined : park(this.#words, SPACE_SEQ, seq, MAX_PARK_MS);
    if (waiting === undefined) {
      this.unparkProducer();
      return undefined;
    }
    return waiting.then(() => this.unparkProducer());
  }

  #writeHeader(offset: number, length: number, kind: number): void {
    this.#headers[offset >>> 2] = length;
    this.bytes[offset + 4] = kind;
    this.bytes[offset + 5] = 0;
    this.bytes[offset + 6] = 0;
    this.bytes[offset + 7] = 0;
  }

  #wakeConsumer(): void {
    const bell = this.#doorbell;
    if (Atomics.load(bell, DOORBELL_PARKED) !== 0) {
      Atomics.store(bell, DOORBELL_PARKED, 0);
      Atomics.add(bell, DOORBELL_SEQ, 1);
      Atomics.notify(bell, DOORBELL_SEQ);
    }
  }

  // ── consumer side ────────────────────────────────────────────────────────────────────────────

  /**
   * Looks at the next frame without consuming it. Returns its kind, with its payload at
   * `bytes[frameOffset, frameOffset + frameLength)`, or -1 when the ring is empty. Padding is
   * skipped (and released) here. Consumer thread only.
   */
  peek(): number {
    for (;;) {
      const r = this.#readPos;
      const w = Atomics.load(this.#words, WRITE_POS) >>> 0;
      if (r === w) return -1;
      const offset = r & this.#mask;
      const length = this.#headers[offset >>> 2]!;
      const kind = this.bytes[offset + 4]!;
      const total = this.#checkedFrameBytes(r, w, kind, length);
      if (kind === FrameKind.Padding) {
        this.#advanceRead(total);
        continue;
      }
      this.frameOffset = offset + FRAME_HEADER_BYTES;
      this.frameLength = length;
      this.#peekedBytes = total;
      return kind;
    }
  }

  /**
   * Looks at the frames ahead of the consumer without consuming them (out-of-band barriers): skips
   * the first `skip` frames, then calls `visit` with each later frame's index (0: the frame `peek`
   * returns next), kind, payload offset in {@link bytes} and payload length, until it returns true. Padding is never
   * counted. Returns how many frames ahead were looked at, the accepted one included, so a caller
   * resumes there once more arrive. Frames stay the producer's until released, so their bytes are
   * stable while the consumer looks. Consumer thread only.
   */
  scanAhead(
    skip: number,
    visit: (index: number, kind: number, payloadOffset: number, payloadLength: number) => boolean,
  ): number {
    const w = Atomics.load(this.#words, WRITE_POS) >>> 0;
    let r = this.#readPos;
    let index = 0;
    while (r !== w) {
      const offset = r & this.#mask;
      const length = this.#headers[offset >>> 2]!;
      const kind = this.bytes[offset + 4]!;
      r = (r + this.#checkedFrameBytes(r, w, kind, length)) >>> 0;
      if (kind === FrameKind.Padding) continue;
      if (index >= skip && visit(index, kind, offset + FRAME_HEADER_BYTES, length)) return index + 1;
      index++;
    }
    return index;
  }

  /** The bytes of the frame at `r` (written up to `w`); a frame that cannot be is corrupt. */
  #checkedFrameBytes(r: number, w: number, kind: number, length: number): number {
    const offset = r & this.#mask;
    const total = FRAME_HEADER_BYTES + alignFrame(length);
    if (kind > MAX_FRAME_KIND || total > (w - r) >>> 0 || offset + total > this.capacity) {
      throw new ChannelCorruptError(this.name, `kind ${kind}, length ${length} at offset ${offset}`);
    }
    return total;
  }

  /** Consumes the frame returned by the last {@link peek}. Consumer thread only. */
  release(): void {
    const total = this.#peekedBytes;
    this.#peekedBytes = 0;
    this.#advanceRead(total);
  }

  /** Whether a frame is waiting to be read (consumer thread; may be stale by the time it returns). */
  readable(): boolean {
    return Atomics.load(this.#words, WRITE_POS) >>> 0 !== this.#readPos;
  }

  #advanceRead(total: number): void {
    this.#readPos = (this.#readPos + total) >>> 0;
    Atomics.store(this.#words, READ_POS, this.#readPos | 0);
    if (Atomics.load(this.#words, PRODUCER_PARKED) !== 0) {
      Atomics.store(this.#words, PRODUCER_PARKED, 0);
      Atomics.add(this.#words, SPACE_SEQ, 1);
      Atomics.notify(this.#words, SPACE_SEQ);
    }
  }
}
