/**
 * The contract between a subtask's task loop and the operators it runs. An operator is created
 * inside the worker thread, from a factory closure that the job module defined, and is called
 * synchronously for every record: chained operators call each other directly.
 */

import type { RecordTime } from '../channel/timestamped-record.ts';
import type { RuntimeMode } from '../config/options.ts';
import type { KeyedStateBackend } from '../state/keyed-state-backend.ts';
import type { Collector, RuntimeContext } from './functions.ts';
import type { ProcessingTimeService } from './time/processing-time-service.ts';

/** What an operator or source gets when it is created in its subtask. */
export interface OperatorContext extends RuntimeContext {
  /** Max parallelism of the job (number of key groups). */
  readonly maxParallelism: number;
  /**
   * True when the job checkpoints periodically: sinks then hold their output in transactions that
   * commit when a checkpoint completes (exactly-once), instead of writing it at once.
   */
  readonly transactional: boolean;
  /** `batch`: rolling aggregations emit only final values, when input ends. */
  readonly runtimeMode: RuntimeMode;
  /**
   * A keyed aggregation's input comes pre-aggregated by the producers' combiners (batch mode, or
   * streaming with `localAggregationMs`): count then receives partial counts `{ key, count }`.
   */
  readonly combinedInput: boolean;
  /** The keyed state backend of a keyed operator (undefined for others). */
  readonly keyedState: KeyedStateBackend | undefined;
  /** Sends collected records to the job master (collect sinks use it); delivered in order. */
  readonly sendToJobMaster: (batch: CollectedBatch) => void;
  /**
   * For a source: the cursor of the split queue its subtasks share in this attempt (one Int32, the
   * index of the next split to claim); undefined elsewhere, and where no runtime deployed it.
   */
  readonly splitCursor: Int32Array | undefined;
  /**
   * The timestamp of the record being processed, shared by the subtask's chain: read it for the
   * record's event time, set it before emitting a record with another timestamp.
   */
  readonly recordTime: RecordTime;
  /** The subtask's processing time and its timers (fired by the task loop, between records). */
  readonly processingTime: ProcessingTimeService;
}

/**
 * Where an operator emits: records, and the watermarks and watermark statuses that keep their
 * place among them (to the next chained operator, or into every output channel).
 */
export interface StreamOutput extends Collector<unknown> {
  /** Event time has advanced to `timestamp` (never called with a smaller one than before). */
  emitWatermark(timestamp: number): void;
  /** The stream became idle (it holds back no watermark for now) or active again. */
  emitWatermarkStatus(idle: boolean): void;
}

/** Records a collect sink sends to the job master (plain data: it crosses threads). */
export interface CollectedBatch {
  /** The collect sink's operator uid. */
  readonly collect: string;
  readonly records: unknown[];
  /** Transactional batches carry their transaction's id: the job master keeps each once. */
  readonly transaction?: string;
  /**
   * Committed again from restored state. Kept only when the job took that state itself: one
   * restored from the job's initial state (a savepoint or retained checkpoint) was delivered by
   * the job that took it, so a resumed job's result starts after its savepoint.
   */
  readonly restored?: boolean;
}

/** A running operator of one subtask. */
export interface Operator {
  /** Called once before restore and before the first record (sinks open their first transaction). */
  open?(): void | Promise<void>;
  /** Handles one record, emitting results through the collector it was created with. */
  process(record: unknown): void;
  /**
   * Event time reached `timestamp`: fire what is due, then forward it with `output.emitWatermark`.
   * Operators without it forward watermarks unchanged.
   */
  processWatermark?(timestamp: number): void;
  /** The input became idle or active; operators without it forward the status unchanged. */
  processWatermarkStatus?(idle: boolean): void;
  /** All input has been read: emit or flush whatever is held back. */
  finish?(): void | Promise<void>;
  /** Releases resources; called once, on success, failure or cancel. */
  close?(): void | Promise<void>;
  /**
   * Operator state (not keyed) at a checkpoint barrier: plain, msgpack-encodable data, captured
   * synchronously (return a copy of anything that later records would change).
   */
  snapshotState?(checkpointId: number): unknown;
  /**
   * Resolves once what {@link snapshotState} captured for `checkpointId` is durable outside weir
   * (a two-phase-commit sink's `PREPARE TRANSACTION`); the subtask acknowledges the checkpoint
   * only then, while records keep flowing. A rejection declines the checkpoint.
   */
  snapshotDurable?(checkpointId: number): Promise<void> | undefined;
  /** Restores the operator states of the subtasks that this subtask takes over (before any record). */
  restoreState?(states: readonly unknown[]): void | Promise<void>;
  /** Checkpoint `checkpointId` is committed (two-phase-commit sinks commit here). */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  /** Checkpoint `checkpointId` will never complete. */
  notifyCheckpointAborted?(checkpointId: number): void;
}

/** Creates the operator of one subtask. */
export type OperatorFactory = (context: OperatorContext, output: StreamOutput) => Operator;

/** Outcome of one {@link SourceReader.poll}: a delay to wait before polling again, `MORE`, or `END`. */
export const SOURCE_MORE = 0;
export const SOURCE_END = -1;

/** The reader of one source subtask: pulled by the task loop, so that it never blocks the loop. */
export interface SourceReader {
  /**
   * Emits at most `max` records into `out`. Returns {@link SOURCE_MORE} to be polled again at once,
   * {@link SOURCE_END} when the split is exhausted, or a positive number of milliseconds to wait
   * before the next poll (rate limits, no data yet).
   */
  poll(out: Collector<unknown>, max: number): number;
  /**
   * What remains to be read, as a list of plain-data splits (the source's checkpointed operator
   * state): restoring them, in this subtask or spread over others, resumes exactly after the last
   * emitted record.
   */
  snapshotSplits(checkpointId?: number): unknown[];
  /** Replaces what this reader reads by `splits` (from {@link snapshotSplits} of one or more readers). */
  restoreSplits(splits: readonly unknown[]): void;
  /**
   * Checkpoint `checkpointId` completed (a source that tells its server how far it got, such as a
   * consumer group's position, does it here). A rejection fails the subtask.
   */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  /** Releases resources (file handles). */
  close?(): void;
}

/** Creates the reader of one source subtask. */
export type SourceFactory = (context: OperatorContext) => SourceReader;
