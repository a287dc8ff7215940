/** Barrier handling of a subtask's inputs: re-exports only. */
export { AtLeastOnceBarrierHandler } from './at-least-once-handler.ts';
export {
  type BarrierHandler,
  type BarrierHandlerOptions,
  DEFAULT_MAX_PENDING_CHECKPOINTS,
} from './barrier-handler.ts';
export type { BarrierHandlerContext, CheckpointAbortReason, SnapshotMetrics } from './context.ts';
export { createBarrierHandler } from './create-barrier-handler.ts';
export { BarrierProtocolError } from './errors.ts';
export { ExactlyOnceBarrierHandler } from './exactly-once-handler.ts';
export { BARRIER_HANDLER_TRANSITIONS, type BarrierHandlerStateName } from './state.ts';
