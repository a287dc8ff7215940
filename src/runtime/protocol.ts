/**
 * The thread boundary: every message between the job master (main thread) and a subtask (worker
 * thread), and the deployment a subtask receives. Everything here is plain data that survives
 * `postMessage`; live objects (rings, operators) are built from it inside the worker.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ChannelDescriptor } from '../channel/channel-descriptor.ts';
import type { SharedKeyedState, StateHandle } from '../checkpoint/storage/state-handle.ts';
import type { StreamEnvironmentOptions } from '../config/options.ts';
import type { CheckpointReport } from '../task/checkpointing/subtask-checkpointer.ts';
import type { CheckpointControl, CheckpointingDeployment } from '../task/checkpointing/task-checkpointing.ts';
import type { SerializedError } from './error-transport.ts';

/** How a worker finds the job: the module every thread evaluates, and what to call in it. */
export interface JobModuleRef {
  /** File URL of the job module. */
  readonly module: string;
  /** Arguments of a `defineJob` job (structured-cloneable; may hold SharedArrayBuffers). */
  readonly args: unknown;
  /** Environment options fixed by the caller before the job's own code runs. */
  readonly options: Omit<StreamEnvironmentOptions, 'module'>;
}

/** The outgoing channels of one edge, indexed by consumer subtask (one channel for forward edges). */
export interface OutputEdgeDeployment {
  readonly edgeIndex: number;
  readonly channels: readonly ChannelDescriptor[];
}

/** Everything one subtask needs to run (the piscina task payload). */
export interface TaskDeployment {
  readonly job: JobModuleRef;
  readonly jobName: string;
  readonly vertexIndex: number;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  /**
   * Input channels: rings that all ring this subtask's doorbell, or, in a batch job run by stages,
   * blocking partitions; order is the gate's channel order.
   */
  readonly inputs: readonly ChannelDescriptor[];
  readonly outputs: readonly OutputEdgeDeployment[];
  /** The control port (transferred). */
  readonly control: MessagePort;
  /** How often the subtask reports its counters (ms). */
  readonly metricsIntervalMs: number;
  /** Checkpointing settings; absent when checkpointing is off. */
  readonly checkpointing: CheckpointingDeployment | undefined;
  /** State to start from (a restart or a resumed job); absent for a fresh start. */
  readonly restore: SubtaskRestore | undefined;
  /**
   * A source vertex's split cursor (one Int32 shared by its subtasks in this attempt): sources with
   * a shared split queue claim their next split with `Atomics.add` on it.
   */
  readonly splitCursor: SharedArrayBuffer | undefined;
}

/** The state one operator of a restoring subtask starts from. */
export interface OperatorRestore {
  readonly operatorUid: string;
  /** Keyed state of every old subtask whose key groups overlap this subtask's. */
  readonly keyed: readonly StateHandle[];
  /** Incremental checkpoints: keyed state those subtasks shared with earlier checkpoints. */
  readonly keyedShared?: readonly SharedKeyedState[];
  /** Operator state (source splits, sink transactions) dealt to this subtask. */
  readonly operator: readonly StateHandle[];
  /** In-flight input records of unaligned checkpoints, replayed before reading the inputs. */
  readonly channel: readonly StateHandle[];
}

/** What a subtask restores before it processes anything. */
export interface SubtaskRestore {
  readonly checkpointId: number;
  /** The checkpoint's directory (file handles are relative to it) or memory pointer. */
  readonly pointer: string;
  readonly operators: readonly OperatorRestore[];
}

/** Per-operator record counters of one subtask, in chain order. */
export interface SubtaskCounters {
  /** Records each chained operator received. */
  readonly recordsIn: readonly number[];
  /** Records the subtask wrote to its output channels. */
  readonly recordsOut: number;
}

/** Main thread → subtask. */
export type ControlToTask =
  | { readonly type: 'cancel' }
  /** The job's final checkpoint is complete: a finishing subtask may end. */
  | { readonly type: 'finish' }
  | CheckpointControl;

/** Subtask → main thread. */
export type ControlFromTask =
  | { readonly type: 'running' }
  /** Input exhausted; waiting for the final checkpoint (answers triggers with its final state). */
  | { readonly type: 'finishing' }
  | { readonly type: 'metrics'; readonly counters: SubtaskCounters }
  | { readonly type: 'to-job-master'; readonly payload: unknown }
  | { readonly type: 'failed'; readonly error: SerializedError; readonly counters: SubtaskCounters }
  | { readonly type: 'finished'; readonly counters: SubtaskCounters }
  | { readonly type: 'cancelled'; readonly counters: SubtaskCounters }
  | CheckpointReport;
