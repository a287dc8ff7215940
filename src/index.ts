/**
 * weir: stream processing for Node.js with Apache Flink's fault-tolerance model on every core.
 * This module is the package's only public entry point.
 */

export {
  ChannelWriter,
  type ChannelWriterOptions,
  type ChannelWriterStats,
  DEFAULT_BATCH_BYTES,
  DEFAULT_FLUSH_TIMEOUT_MS,
} from './channel/channel-writer.ts';
export { type Barrier, type ChannelEvent, FrameKind } from './channel/frame.ts';
export { type GateEvent, InputGate } from './channel/input-gate.ts';
export {
  type CreateRingOptions,
  createDoorbell,
  createRing,
  RingBuffer,
  type RingDescriptor,
} from './channel/ring-buffer.ts';
export {
  ChannelClosedError,
  ChannelCorruptError,
  type ErrorClassification,
  FrameTooLargeError,
  InvalidOptionError,
  RecordEncodeError,
  WeirError,
  type WeirErrorCode,
} from './errors.ts';
