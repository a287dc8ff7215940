/**
 * What a channel is to its two ends, whatever carries the frames: a shared-memory ring between two
 * running subtasks (pipelined), or a file that the producer fills before the consumer starts
 * (blocking, for batch jobs run by stages). {@link ChannelWriter} writes to a {@link FrameSink};
 * {@link InputGate} reads {@link FrameSource}s.
 */
import type { FrameKind } from './frame.ts';

/** The producer's end of a channel. */
export interface FrameSink {
  /** Name used in errors, e.g. `map[0] -> sink[1]`. */
  readonly name: string;
  /** Largest payload of one frame. */
  readonly maxPayloadBytes: number;
  /** Whether either end closed the channel. */
  readonly closed: boolean;
  /** Appends a frame, or returns false (writing nothing) when there is no space for it now. */
  tryWrite(kind: FrameKind, payload: Uint8Array | null, length: number): boolean;
  /**
   * Waits, without blocking the event loop, until a frame of `length` payload bytes may fit, the
   * channel closes, or a short time passes; `undefined` when it fits now.
   */
  sleepUntilSpace(length: number): Promise<void> | undefined;
  /** Ends a {@link sleepUntilSpace} of the producer's own thread early, if the channel can. */
  wakeProducer?(): void;
  /** Closes the channel; no thread stays parked on it. */
  close(): void;
}

/** The consumer's end of a channel. */
export interface FrameSource {
  readonly name: string;
  /** The frames' bytes; a frame's payload is at `[frameOffset, frameOffset + frameLength)`. */
  readonly bytes: Uint8Array;
  /** The same bytes, for control payloads. */
  readonly view: DataView;
  /** Payload offset of the frame the last {@link peek} returned. */
  frameOffset: number;
  /** Payload length of the frame the last {@link peek} returned. */
  frameLength: number;
  /** The next frame's kind without consuming it, or -1 when none is there now. */
  peek(): number;
  /** Consumes the frame the last {@link peek} returned. */
  release(): void;
  /** Whether a frame is waiting to be read. */
  readable(): boolean;
  /** Closes the channel (a ring: wakes its producer; a blocking partition: closes its file). */
  close(): void;
}
