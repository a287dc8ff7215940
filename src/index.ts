/**
 * weir: stream processing for Node.js with Apache Flink's fault-tolerance model on every core.
 * This module is the package's only public entry point.
 */

export { DataStream } from './api/data-stream.ts';
export { type ExecuteJobOptions, executeJob, startJob } from './api/execute-job.ts';
export type { ExecuteOptions } from './api/execute-options.ts';
export type { CollectHandle } from './api/graph-builder.ts';
export type { JobListeners } from './api/job-client.ts';
export { JobClient, type JobResult, type ProgressListener } from './api/job-client.ts';
export { defineJob, type JobDefinition } from './api/job-loader.ts';
export { KeyedStream } from './api/keyed-stream.ts';
// ── DataStream API ──
export { StreamEnvironment } from './api/stream-environment.ts';
export { type DeclareWindowOperator, WindowedStream } from './api/windowed-stream.ts';
export {
  type BlockingPartitionDescriptor,
  BlockingPartitionWriter,
} from './channel/blocking-partition.ts';
export { BlockingPartitionReader } from './channel/blocking-partition-reader.ts';
export type { ChannelDescriptor } from './channel/channel-descriptor.ts';
export {
  ChannelWriter,
  type ChannelWriterOptions,
  type ChannelWriterStats,
  DEFAULT_BATCH_BYTES,
  DEFAULT_FLUSH_TIMEOUT_MS,
} from './channel/channel-writer.ts';
// ── channels (the data plane, usable on its own) ──
export { type Barrier, type ChannelEvent, FrameKind } from './channel/frame.ts';
export type { FrameSink, FrameSource } from './channel/frame-channel.ts';
export { type GateEvent, InputGate } from './channel/input-gate.ts';
export {
  type CreateRingOptions,
  createDoorbell,
  createRing,
  RingBuffer,
  type RingDescriptor,
} from './channel/ring-buffer.ts';
// ── checkpointing ──
export {
  type CheckpointConfig,
  type CheckpointingMode,
  type CheckpointingOptions,
  type CheckpointStorageOptions,
  DEFAULT_CHECKPOINT_TIMEOUT_MS,
  MIN_CHECKPOINT_INTERVAL_MS,
} from './checkpoint/config.ts';
export {
  CheckpointCorruptError,
  CheckpointFailedError,
  CheckpointFailuresExceededError,
  CheckpointStorageError,
  ResumeStateNotFoundError,
} from './checkpoint/errors.ts';
export type { CheckpointFailureReason } from './checkpoint/failure-reason.ts';
export type { CheckpointOutcome } from './checkpoint/pending-checkpoint.ts';
export type {
  CheckpointStatsRecord,
  CheckpointStatsSnapshot,
  SubtaskCheckpointStats,
  SummaryStatistics,
} from './checkpoint/stats.ts';
export type {
  CheckpointListing,
  CheckpointSummary,
  CompletedCheckpoint,
} from './checkpoint/storage/checkpoint-storage.ts';
export type { CheckpointMetadata } from './checkpoint/storage/metadata.ts';
export { findLatestCheckpoint, listCheckpoints, loadCheckpoint } from './checkpoint/storage/reader.ts';
export type { SharedKeyedState, StateHandle } from './checkpoint/storage/state-handle.ts';
// ── terminal display ──
export { displayJob } from './cli/job-display.ts';
export type { JobConfiguration } from './config/job-configuration.ts';
export type {
  BatchShuffleMode,
  ChannelOptions,
  ResumeFrom,
  RuntimeMode,
  StreamEnvironmentOptions,
} from './config/options.ts';
export type { SequenceOptions } from './connectors/builtin/sequence-source.ts';
// ── connectors to servers (docs/connectors.md) ──
export { ConnectorRecordError, ConnectorUnavailableError } from './connectors/connector-errors.ts';
export type { JetStreamSinkOptions } from './connectors/nats/jetstream-sink.ts';
export type {
  JetStreamMessage,
  JetStreamSourceOptions,
  JetStreamSplit,
} from './connectors/nats/jetstream-source.ts';
export type { NatsConnectionOptions } from './connectors/nats/nats-options.ts';
export type {
  PostgresConnectionOptions,
  PostgresKeyRangeSplit,
  PostgresSourceOptions,
  RowOptions,
} from './connectors/postgres/postgres-options.ts';
export type { PostgresSinkOptions } from './connectors/postgres/postgres-sink.ts';
export type { RedisConnectionOptions } from './connectors/redis/redis-options.ts';
export type { RedisEntryFields, RedisStreamSinkOptions } from './connectors/redis/redis-stream-sink.ts';
export type {
  RedisStreamEntry,
  RedisStreamSourceOptions,
  RedisStreamSplit,
} from './connectors/redis/redis-stream-source.ts';
export type { SinkGuarantee } from './connectors/sink/staged-commit-sink.ts';
// ── exactly-once sinks ──
export type { TwoPhaseCommitFunctions } from './connectors/sink/two-phase-commit-sink.ts';
// ── dashboard, REST API and metrics ──
export type { DashboardHandle, DashboardOptions } from './dashboard/dashboard-options.ts';
export type { BackpressureLevel, TaskMetrics } from './dashboard/subtask-rates.ts';
// ── errors ──
export {
  ChannelClosedError,
  ChannelCorruptError,
  type ErrorClassification,
  FrameTooLargeError,
  InvalidOptionError,
  JobModuleError,
  MissingDependencyError,
  PartitionIoError,
  RecordEncodeError,
  SourceReplayError,
  UnsafeDirectoryError,
  WeirError,
  type WeirErrorCode,
} from './errors.ts';
export { InvalidJobGraphError } from './graph/invalid-job-graph-error.ts';
export type { ExchangeKind, JobPlan, PlanEdge, PlanOperator, PlanVertex } from './graph/job-plan.ts';
export { IllegalStateTransitionError, JobAbortedError } from './job/errors.ts';
export type { JobStatus } from './job/job-status.ts';
// ── measurement ──
export {
  LatencyHistogram,
  type LatencySummary,
  MAX_TRACKABLE_MICROS,
  SIGNIFICANT_DIGITS,
} from './metrics/latency-histogram.ts';
export { monotonicMicros } from './metrics/monotonic-clock.ts';
export type {
  Collector,
  FilterFunction,
  FlatMapFunction,
  Key,
  KeyCount,
  KeySelector,
  MapFunction,
  ReduceFunction,
  RuntimeContext,
} from './operators/functions.ts';
export type {
  KeyedContext,
  KeyedProcessFunction,
  OnTimerContext,
} from './operators/keyed-process-function.ts';
export { OutputTag } from './operators/side-output.ts';
// ── event time ──
export type { TimeDomain, TimerService } from './operators/time/keyed-timers.ts';
export { MAX_WATERMARK, MIN_WATERMARK } from './operators/time/watermark.ts';
export type { WatermarkGenerator, WatermarkOutput } from './operators/time/watermark-generator.ts';
export {
  DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
  type TimestampAssigner,
  WatermarkStrategy,
} from './operators/time/watermark-strategy.ts';
export { KeyExtractionError, UserFunctionError } from './operators/user-function-error.ts';
export {
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  type TimeWindow,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  type WindowAssigner,
} from './operators/windowing/window-assigners.ts';
export type {
  ProcessWindowContext,
  ProcessWindowFunction,
  WindowInfo,
} from './operators/windowing/window-function.ts';
// ── restart strategies and job lifecycle ──
export type {
  ExponentialDelayOptions,
  FailureRateOptions,
  FallbackRestartOptions,
  FixedDelayOptions,
  NoRestartOptions,
  RestartOptions,
} from './restart/config.ts';
export { RestartsExhaustedError } from './restart/errors.ts';
export { RemoteWeirError } from './runtime/error-transport.ts';
export { JobCancelledError, StateMappingError, WorkerExitedError } from './runtime/errors.ts';
export type { JobFailure, JobRecovery } from './runtime/job-events.ts';
export type { JobProgress, OperatorMetrics, SubtaskMetrics } from './runtime/job-progress.ts';
export type { SubtaskCounters } from './runtime/protocol.ts';
export type { ExecutionState, SubtaskStates } from './runtime/subtask-execution-state.ts';
export {
  type AggregateFunction,
  type AggregatingState,
  type AggregatingStateDescriptor,
  aggregatingState,
} from './state/aggregating-state.ts';
export {
  InvalidKeyError,
  RestoredStateShapeError,
  StateAccessError,
  StateRestoreError,
} from './state/errors.ts';
export {
  computeOperatorIndexForKeyGroup,
  type KeyGroupRange,
  keyGroupFor,
  keyGroupRangeForOperator,
} from './state/key-groups.ts';
export type { KeyedStateBackend, RestoreOptions } from './state/keyed-state-backend.ts';
export { type ListState, type ListStateDescriptor, listState } from './state/list-state.ts';
export { type MapState, type MapStateDescriptor, mapState } from './state/map-state.ts';
export { type ReducingState, type ReducingStateDescriptor, reducingState } from './state/reducing-state.ts';
export type {
  EmbeddedStateBackendOptions,
  HeapStateBackendOptions,
  RocksDbStateBackendOptions,
  StateBackendOptions,
  StateBackendType,
} from './state/state-backend-options.ts';
export type { StateDescriptor, StateKind } from './state/state-descriptor.ts';
// ── keyed state ──
export { type ValueState, type ValueStateDescriptor, valueState } from './state/value-state.ts';
// ── time ──
export { type Clock, ManualClock, systemClock } from './util/clock.ts';
