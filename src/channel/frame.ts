/**
 * Frame kinds and the control events they carry. Kinds are a byte in the frame header, so new
 * kinds (watermarks, latency markers, ...) never change the ring itself.
 */

/** The kind byte of a frame. */
export const FrameKind = {
  /** Internal: fills the end of the data region so that the next frame starts at offset 0. */
  Padding: 0,
  /** A batch of records, a msgpack array. */
  Records: 1,
  /** A checkpoint barrier: id, timestamp and options. */
  Barrier: 2,
  /** Cancels a checkpoint's alignment downstream: its id. */
  CancelBarrier: 3,
  /** The producer will write nothing more. */
  EndOfInput: 4,
  /** Event time has advanced to the timestamp. */
  Watermark: 5,
  /** A latency marker: creation time and the source subtask that made it. */
  LatencyMarker: 6,
  /** The producer's stream became idle (no watermarks for now) or active again: a flag word. */
  WatermarkStatus: 7,
} as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Largest kind value a valid frame may carry. */
export const MAX_FRAME_KIND = 7;

/** A checkpoint barrier, as it travels through channels. */
export interface Barrier {
  /** The checkpoint's id; ids strictly increase within a job. */
  readonly checkpointId: number;
  /** When the coordinator triggered the checkpoint (ms since the epoch). */
  readonly timestamp: number;
  /** Whether this is a savepoint (always aligned, retained). */
  readonly savepoint: boolean;
  /** Whether the barrier may overtake in-flight records (unaligned checkpoint). */
  readonly unaligned: boolean;
}

/** One unit read from a channel: a batch of records or a control event. */
export type ChannelEvent =
  | { readonly kind: 'records'; readonly records: unknown[] }
  | { readonly kind: 'barrier'; readonly barrier: Barrier }
  /**
   * An unaligned barrier taken out of band, with copies of the record frames it overtook (each a
   * self-describing msgpack array of records, as captured channel state is): those records are
   * still read afterwards, as usual.
   */
  | { readonly kind: 'overtaking-barrier'; readonly barrier: Barrier; readonly overtaken: Uint8Array[] }
  /** The place of an overtaking barrier was reached: its channel's records before it are read. */
  | { readonly kind: 'overtaken'; readonly checkpointId: number }
  | { readonly kind: 'cancel-barrier'; readonly checkpointId: number }
  | { readonly kind: 'end-of-input' }
  | { readonly kind: 'watermark'; readonly timestamp: number }
  /** The producer's stream went idle (`idle`) or became active again (Flink's WatermarkStatus). */
  | { readonly kind: 'watermark-status'; readonly idle: boolean }
  | { readonly kind: 'latency-marker'; readonly markedTime: number; readonly sourceSubtask: number };

/** Payload sizes of the fixed-size control frames. */
export const BARRIER_PAYLOAD_BYTES = 24;
export const CANCEL_BARRIER_PAYLOAD_BYTES = 8;
export const WATERMARK_PAYLOAD_BYTES = 8;
export const WATERMARK_STATUS_PAYLOAD_BYTES = 4;
export const LATENCY_MARKER_PAYLOAD_BYTES = 16;

const BARRIER_SAVEPOINT = 1;
const BARRIER_UNALIGNED = 2;

/** Writes a barrier's fixed-size payload (two float64 and a flag word). */
export function encodeBarrier(barrier: Barrier, view: DataView, offset: number): void {
  view.setFloat64(offset, barrier.checkpointId, true);
  view.setFloat64(offset + 8, barrier.timestamp, true);
  const flags = (barrier.savepoint ? BARRIER_SAVEPOINT : 0) | (barrier.unaligned ? BARRIER_UNALIGNED : 0);
  view.setUint32(offset + 16, flags, true);
  view.setUint32(offset + 20, 0, true);
}

/** Reads a barrier's payload written by {@link encodeBarrier}. */
export function decodeBarrier(view: DataView, offset: number): Barrier {
  const flags = view.getUint32(offset + 16, true);
  return {
    checkpointId: view.getFloat64(offset, true),
    timestamp: view.getFloat64(offset + 8, true),
    savepoint: (flags & BARRIER_SAVEPOINT) !== 0,
    unaligned: (flags & BARRIER_UNALIGNED) !== 0,
  };
}
