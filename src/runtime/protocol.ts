/**
 * The thread boundary: every message between the job master (main thread) and a subtask (worker
 * thread), and the deployment a subtask receives. Everything here is plain data that survives
 * `postMessage`; live objects (rings, operators) are built from it inside the worker.
 *
 * Invariants: both threads import this module, for types only; it imports only types, and from
 * layers below both (channel, checkpoint, config, operators), so that no lower layer ever imports
 * the runtime. Payloads owned by a lower layer keep their home there (`CheckpointAck` and
 * `CheckpointDecline` in `checkpoint/messages.ts`, an operator's `CollectedBatch` in
 * `operators/operator.ts`); the envelopes that carry them across threads are here.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ChannelDescriptor } from '../channel/channel-descriptor.ts';
import type { Barrier } from '../channel/frame.ts';
import type { CheckpointingMode } from '../checkpoint/config.ts';
import type { CheckpointAck, CheckpointDecline } from '../checkpoint/messages.ts';
import type { SharedKeyedState, StateHandle } from '../checkpoint/storage/state-handle.ts';
import type { StateWriterDescriptor } from '../checkpoint/storage/state-writer.ts';
import type { StreamEnvironmentOptions } from '../config/options.ts';
import type { CollectedBatch } from '../operators/operator.ts';
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

/** Everything one subtask needs to run (the payload of {@link RunSubtask}). */
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
  /** Failures to inject (the test-only hook of `runtime/fault-injection.ts`); absent: none, no cost. */
  readonly faults?: FaultInjectionDeployment;
}

/**
 * One failure the test-only injection hook causes (`docs/chaos.md`): at the `atRecord`-th record
 * (1-based, counted per attempt) that subtask `subtask` of operator `operatorUid` receives, or in
 * the asynchronous part of the `atCheckpoint`-th checkpoint that subtask takes in an attempt.
 */
export type InjectedFault =
  | {
      /**
       * `throw`: the operator throws `InjectedFailureError`; `terminate-thread`: the main thread
       * terminates the subtask's worker thread; `kill-process`: the process's owner is asked to
       * kill it (`kill -9`). The last two stop the thread at that record until then.
       */
      readonly kind: 'throw' | 'terminate-thread' | 'kill-process';
      readonly operatorUid: string;
      readonly subtask: number;
      readonly atRecord: number;
    }
  | {
      /** The checkpoint's asynchronous part fails: the subtask declines it. */
      readonly kind: 'fail-checkpoint-async';
      readonly operatorUid: string;
      readonly subtask: number;
      readonly atCheckpoint: number;
    };

/** The failures a subtask may inject, with the flags that make each fire once per job. */
export interface FaultInjectionDeployment {
  readonly faults: readonly InjectedFault[];
  /** One Int32 per fault, set to 1 (compare-exchange) by the thread that fires it; shared by every attempt. */
  readonly fired: SharedArrayBuffer;
}

/** Checkpointing settings a subtask receives at deployment. */
export interface CheckpointingDeployment {
  readonly mode: CheckpointingMode;
  readonly storage: StateWriterDescriptor;
  /** Periodic checkpoints are on: the job ends with a final checkpoint, and sinks are transactional. */
  readonly finalCheckpoint: boolean;
  /** Keyed state is checkpointed incrementally (absent: full snapshots). */
  readonly incremental?: boolean;
  /** Exactly-once: an aligned checkpoint whose alignment lasts this long turns unaligned. */
  readonly alignedCheckpointTimeoutMs?: number;
  /** Exactly-once checkpoints are unaligned (their barriers overtake queued records). */
  readonly unaligned?: boolean;
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
  /**
   * Time: ms since the subtask started running (frozen when its input ended), and of it the ms it
   * waited for input (Flink's idle time) and for space in full output rings (back-pressured time);
   * the rest is busy time. Absent before it runs.
   */
  readonly time?: { readonly runningMs: number; readonly idleMs: number; readonly backPressuredMs: number };
  /** Bytes of record frames read from input channels, and of every frame written to output channels. */
  readonly bytesIn?: number;
  readonly bytesOut?: number;
  /**
   * Event time: the watermark combined from the inputs (absent for a source, or before the first
   * one), and the last one sent downstream (absent for a sink, or before the first one).
   */
  readonly watermarks?: { readonly input?: number; readonly output?: number };
}

export type { CollectedBatch };

/** Checkpoint control, main thread → subtask. */
export type CheckpointControl =
  | { readonly type: 'trigger-checkpoint'; readonly barrier: Barrier }
  | { readonly type: 'checkpoint-complete'; readonly checkpointId: number }
  | { readonly type: 'checkpoint-aborted'; readonly checkpointId: number };

/** A subtask's answer to a checkpoint, subtask → main thread (for the coordinator). */
export type CheckpointReport =
  | { readonly type: 'ack'; readonly ack: CheckpointAck }
  | { readonly type: 'decline'; readonly decline: CheckpointDecline };

/** Main thread → subtask. */
export type ControlToTask =
  | { readonly type: 'cancel' }
  /**
   * Stop-with-savepoint: end as `cancel` does, after the commits notified so far (the savepoint's
   * among them: it came first on this port) have run.
   */
  | { readonly type: 'stop' }
  /** The job's final checkpoint is complete: a finishing subtask may end. */
  | { readonly type: 'finish' }
  | CheckpointControl;

/** Subtask → main thread. */
export type ControlFromTask =
  | { readonly type: 'running' }
  /** Input exhausted; waiting for the final checkpoint (answers triggers with its final state). */
  | { readonly type: 'finishing' }
  | { readonly type: 'metrics'; readonly counters: SubtaskCounters }
  | { readonly type: 'collected'; readonly batch: CollectedBatch }
  | { readonly type: 'failed'; readonly error: SerializedError; readonly counters: SubtaskCounters }
  | { readonly type: 'finished'; readonly counters: SubtaskCounters }
  | { readonly type: 'cancelled'; readonly counters: SubtaskCounters }
  /** Injected fault `fault` (an index into `TaskDeployment.faults`) fired in this subtask. */
  | { readonly type: 'fault-fired'; readonly fault: number }
  | CheckpointReport;

/**
 * Main thread → a worker thread of the job's pool (`worker-pool.ts`): run one more subtask in this
 * thread, beside any it already runs; `deployment.control` is transferred with it.
 */
export interface RunSubtask {
  readonly type: 'run';
  /** The pool's number for this run, echoed in {@link SubtaskReturned}. */
  readonly id: number;
  readonly deployment: TaskDeployment;
}

/**
 * Worker thread → main thread: the subtask of run `id` returned. Its outcome went over its control
 * port first (finished, failed, cancelled); `error` is set only if the host itself threw.
 */
export interface SubtaskReturned {
  readonly type: 'returned';
  readonly id: number;
  readonly error?: SerializedError;
}
