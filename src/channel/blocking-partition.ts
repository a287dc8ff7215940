/**
 * A blocking partition: the channel of a batch job's exchange when the job runs by stages (Flink's
 * blocking result partition). The producer writes its frames into a file and ends; its consumer
 * starts after every producer of its inputs has ended, in a thread that may have run one of them,
 * and reads the file back ({@link BlockingPartitionReader}).
 *
 * File format: the ring's frames without padding or alignment, `u32le payload length, u8 kind,
 * 3 zero bytes, payload`, ending with an end-of-input frame. A file without that last frame, or
 * with a frame the producer could never have written, is refused as corrupt: nothing torn is
 * read back as complete.
 *
 * Memory: the writer holds one buffer of {@link WRITE_BUFFER_BYTES} and never refuses a frame (the
 * disk is its backlog), so a producer never waits for its consumer.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { ChannelClosedError, FrameTooLargeError, PartitionIoError } from '../errors.ts';
import { FrameKind } from './frame.ts';
import type { FrameSink } from './frame-channel.ts';
import { FRAME_HEADER_BYTES } from './layout.ts';

/** Plain data that describes a blocking partition; it crosses `postMessage`. */
export interface BlockingPartitionDescriptor {
  /** Name used in errors, e.g. `map[0] -> sink[1]`. */
  readonly name: string;
  /** The file, in the execution attempt's own directory. */
  readonly path: string;
  /** Largest payload of one frame: what a ring of the job's capacity accepts, so both modes take the same records. */
  readonly maxPayloadBytes: number;
}

/** Bytes the writer collects before it writes them to the file. */
export const WRITE_BUFFER_BYTES = 256 * 1024;

/** The producer's end: frames appended to the partition's file. Producer thread only. */
export class BlockingPartitionWriter implements FrameSink {
  readonly name: string;
  readonly maxPayloadBytes: number;
  readonly #buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  readonly #header = Buffer.alloc(FRAME_HEADER_BYTES);
  readonly #path: string;
  #used = 0;
  #fd: number | undefined;
  #closed = false;

  constructor(descriptor: BlockingPartitionDescriptor) {
    this.name = descriptor.name;
    this.maxPayloadBytes = descriptor.maxPayloadBytes;
    this.#path = descriptor.path;
    this.#fd = this.#io('creating', () => openSync(descriptor.path, 'w'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Appends the frame (end of input also writes out the buffer and closes the file); always true. */
  tryWrite(kind: FrameKind, payload: Uint8Array | null, length: number): boolean {
    if (length > this.maxPayloadBytes) {
      throw new FrameTooLargeError(
        this.name,
        FRAME_HEADER_BYTES + length,
        FRAME_HEADER_BYTES + this.maxPayloadBytes,
      );
    }
    if (this.#closed)
      throw new ChannelClosedError(this.name, 'a frame was written after the partition closed');
    const total = FRAME_HEADER_BYTES + length;
    if (this.#used + total > this.#buffer.length) this.#flush();
    if (total > this.#buffer.length) {
      writeHeader(this.#header, 0, length, kind);
      this.#write(this.#header, FRAME_HEADER_BYTES);
      if (payload !== null) this.#write(payload, length);
    } else {
      writeHeader(this.#buffer, this.#used, length, kind);
      if (length !== 0 && payload !== null) {
        this.#buffer.set(
          length === payload.length ? payload : payload.subarray(0, length),
          this.#used + FRAME_HEADER_BYTES,
        );
      }
      this.#used += total;
    }
    if (kind === FrameKind.EndOfInput) {
      this.#flush();
      this.close();
    }
    return true;
  }

  /** A partition always has space: nothing to wait for. */
  sleepUntilSpace(): undefined {
    return undefined;
  }

  /** Closes the file; a partition closed before its end of input is incomplete and never read. */
  close(): void {
    this.#closed = true;
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }

  #flush(): void {
    if (this.#used === 0) return;
    this.#write(this.#buffer, this.#used);
    this.#used = 0;
  }

  #write(bytes: Uint8Array, length: number): void {
    const fd = this.#fd as number;
    let done = 0;
    while (done < length) done += this.#io('writing', () => writeSync(fd, bytes, done, length - done));
  }

  #io<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw new PartitionIoError(this.name, this.#path, what, error);
    }
  }
}

function writeHeader(target: Buffer, at: number, length: number, kind: number): void {
  target.writeUInt32LE(length, at);
  target[at + 4] = kind;
  target[at + 5] = 0;
  target[at + 6] = 0;
  target[at + 7] = 0;
}
