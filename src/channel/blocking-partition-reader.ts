/**
 * The consumer's end of a blocking partition (see blocking-partition.ts): reads the file its
 * producer wrote, one buffer at a time. The file stays: a consumer that fails is run again over the
 * same files (the job master deletes them once every consumer of the partition has finished).
 * Consumer thread only. Its consumer runs only after the producer ended, so every frame is there:
 * `readable()` holds until end of input, and a file that ends early is corrupt, never "no data yet".
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { ChannelCorruptError, PartitionIoError } from '../errors.ts';
import type { BlockingPartitionDescriptor } from './blocking-partition.ts';
import { FrameKind, MAX_FRAME_KIND } from './frame.ts';
import type { FrameSource } from './frame-channel.ts';
import { FRAME_HEADER_BYTES } from './layout.ts';

/** Bytes read from the file at a time (more when a frame is larger). */
export const READ_BUFFER_BYTES = 256 * 1024;

/**
 * Reads a blocking partition's frames back for an {@link InputGate}: `peek`/`release` as on a ring,
 * with every frame already there. Closes its file at end of input, or on {@link close}.
 */
export class BlockingPartitionReader implements FrameSource {
  readonly name: string;
  readonly bytes: Buffer;
  readonly view: DataView;
  frameOffset = 0;
  frameLength = 0;
  readonly #path: string;
  readonly #maxPayloadBytes: number;
  #fd: number | undefined;
  /** Unread bytes are `bytes[#start, #end)`. */
  #start = 0;
  #end = 0;
  #eof = false;
  #peekedBytes = 0;
  #peekedKind = -1;

  constructor(descriptor: BlockingPartitionDescriptor) {
    this.name = descriptor.name;
    this.#path = descriptor.path;
    this.#maxPayloadBytes = descriptor.maxPayloadBytes;
    this.bytes = Buffer.allocUnsafe(
      Math.max(READ_BUFFER_BYTES, FRAME_HEADER_BYTES + descriptor.maxPayloadBytes),
    );
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    try {
      this.#fd = openSync(descriptor.path, 'r');
    } catch (error) {
      throw new PartitionIoError(this.name, descriptor.path, 'opening', error);
    }
  }

  peek(): number {
    if (this.#fd === undefined) return -1;
    if (!this.#fill(FRAME_HEADER_BYTES)) {
      throw new ChannelCorruptError(
        this.name,
        this.#end === this.#start
          ? 'the partition ends without end of input (its producer did not finish)'
          : 'the partition ends inside a frame header',
      );
    }
    const at = this.#start;
    const length = this.bytes.readUInt32LE(at);
    const kind = this.bytes[at + 4]!;
    if (
      kind === FrameKind.Padding ||
      kind > MAX_FRAME_KIND ||
      length > this.#maxPayloadBytes ||
      (kind === FrameKind.EndOfInput && length !== 0)
    ) {
      throw new ChannelCorruptError(this.name, `kind ${kind}, length ${length} in its partition file`);
    }
    if (!this.#fill(FRAME_HEADER_BYTES + length)) {
      throw new ChannelCorruptError(this.name, `the partition ends inside a frame of ${length} bytes`);
    }
    // #fill may have moved the unread bytes to the start of the buffer.
    this.frameOffset = this.#start + FRAME_HEADER_BYTES;
    this.frameLength = length;
    this.#peekedBytes = FRAME_HEADER_BYTES + length;
    this.#peekedKind = kind;
    return kind;
  }

  release(): void {
    this.#start += this.#peekedBytes;
    this.#peekedBytes = 0;
    if (this.#peekedKind === FrameKind.EndOfInput) this.close();
  }

  /** True until end of input was consumed: every frame is already in the file. */
  readable(): boolean {
    return this.#fd !== undefined;
  }

  close(): void {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }

  /** Makes `n` unread bytes available; false when the file ends first. */
  #fill(n: number): boolean {
    while (this.#end - this.#start < n) {
      if (this.#eof) return false;
      if (this.#start > 0) {
        this.bytes.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      }
      let read: number;
      try {
        read = readSync(this.#fd as number, this.bytes, this.#end, this.bytes.length - this.#end, null);
      } catch (error) {
        throw new PartitionIoError(this.name, this.#path, 'reading', error);
      }
      if (read === 0) this.#eof = true;
      else this.#end += read;
    }
    return true;
  }
}
