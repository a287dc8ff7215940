/**
 * The checkpoint subsystem's public surface, re-exported by `src/index.ts`. Only re-exports here.
 */

export type { CheckpointGateway, TriggerOptions } from './checkpoint-gateway.ts';
export { CheckpointIdCounter } from './checkpoint-id-counter.ts';
export { DEFAULT_MAX_PARALLELISM, type VertexSpec } from './checkpoint-plan.ts';
export {
  type CheckpointConfig,
  type CheckpointingMode,
  type CheckpointingOptions,
  type CheckpointStorageOptions,
  DEFAULT_CHECKPOINT_CONFIG,
  DEFAULT_CHECKPOINT_TIMEOUT_MS,
  MIN_CHECKPOINT_INTERVAL_MS,
  MIN_CHECKPOINT_TIMEOUT_MS,
  resolveCheckpointConfig,
} from './config.ts';
export { CheckpointCoordinator, type CoordinatorState } from './coordinator.ts';
export type { CheckpointCoordinatorOptions, TriggerRequest } from './coordinator-options.ts';
export {
  CheckpointCorruptError,
  CheckpointFailedError,
  CheckpointFailuresExceededError,
  CheckpointStorageError,
  type CorruptionProblem,
} from './errors.ts';
export {
  CHECKPOINT_FAILURE_REASONS,
  type CheckpointFailureReason,
  countsAsFailure,
  FAILURE_REASONS,
  type FailureReasonInfo,
} from './failure-reason.ts';
export {
  type CheckpointAck,
  type CheckpointDecline,
  type DeclineReason,
  type OperatorSnapshot,
  type SubtaskCheckpointMetrics,
  type TaskId,
  taskKey,
} from './messages.ts';
export type { AcknowledgeResult, CheckpointOutcome } from './pending-checkpoint.ts';
export type {
  CheckpointStatsOptions,
  CheckpointStatsRecord,
  CheckpointStatsSnapshot,
  SubtaskCheckpointStats,
  SummaryStatistics,
} from './stats.ts';
export type {
  CheckpointListing,
  CheckpointStorage,
  CheckpointSummary,
  CommitOptions,
  CompletedCheckpoint,
  InvalidCheckpoint,
  LoadOptions,
} from './storage/checkpoint-storage.ts';
export { createCheckpointStorage } from './storage/create-storage.ts';
export { FilesystemCheckpointStorage } from './storage/filesystem-storage.ts';
export { MemoryCheckpointStorage } from './storage/memory-storage.ts';
export {
  type CheckpointMetadata,
  METADATA_FILE,
  METADATA_VERSION,
  type OperatorStateEntry,
  type SubtaskStateEntry,
} from './storage/metadata.ts';
export {
  findLatestCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  readCheckpointMetadata,
  readState,
} from './storage/reader.ts';
export type {
  FileStateHandle,
  InlineStateHandle,
  OperatorSubtaskState,
  SharedKeyedState,
  StateHandle,
  StateKind,
} from './storage/state-handle.ts';
export {
  createStateWriter,
  type StateWriter,
  type StateWriterDescriptor,
  type StateWriteTarget,
} from './storage/state-writer.ts';
