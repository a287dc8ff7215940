/**
 * Builds a subtask inside its worker thread from its deployment: loads the job module, rebuilds
 * the job graph (checking that it is the one the job master deployed), creates the output channel
 * writers, the operator chain, the input gate, and restores state when the deployment carries any.
 */

import { loadJobEnvironment } from '../api/job-loader.ts';
import { StreamEnvironment } from '../api/stream-environment.ts';
import { ChannelWriter } from '../channel/channel-writer.ts';
import { InputGate } from '../channel/input-gate.ts';
import { TimestampedRecord } from '../channel/timestamped-record.ts';
import type { ResolvedEnvironmentOptions } from '../config/options.ts';
import { buildJobGraph, type JobVertex } from '../graph/job-graph.ts';
import { sideOutputSelector } from '../operators/side-output.ts';
import { ProcessingTimers } from '../operators/time/processing-time-service.ts';
import type { CollectedBatch, TaskDeployment } from '../runtime/protocol.ts';
import { keyGroupFor, keyGroupRangeForOperator } from '../state/key-groups.ts';
import { restoreSubtask } from './checkpointing/restore-state.ts';
import { FaultInjector } from './fault-injector.ts';
import {
  buildOperatorChain,
  disposeKeyedState,
  type OperatorChain,
  openKeyedState,
} from './operator-chain.ts';
import { TaskOutput } from './task-output.ts';

/** Everything a subtask runs with. */
export interface BuiltSubtask {
  readonly vertex: JobVertex;
  readonly chain: OperatorChain;
  readonly output: TaskOutput;
  readonly gate: InputGate | undefined;
  /** The uid of the chain's source, if it starts with one. */
  readonly sourceUid: string | undefined;
  /** Uids of the chain's non-source operators, in chain order. */
  readonly operatorUids: readonly string[];
  /** Restored in-flight records (unaligned checkpoints), processed before any input. */
  readonly replay: unknown[];
  /** Injected failures (test-only hook), when the deployment has any. */
  readonly faults: FaultInjector | undefined;
}

export async function buildSubtask(
  deployment: TaskDeployment,
  sendToJobMaster: (batch: CollectedBatch) => void,
  onOutput: (output: TaskOutput) => void,
  onFaultFired: (fault: number) => void = () => {},
): Promise<BuiltSubtask> {
  const env = await loadJobEnvironment(deployment.job, (options) => StreamEnvironment.forWorker(options));
  const graph = buildJobGraph(env.nodes, env.graphOptions());
  const vertex = graph.vertices[deployment.vertexIndex];
  if (!vertex || vertex.id !== deployment.vertexId) {
    throw new Error(
      `the job module built a different graph in this worker (no vertex ${deployment.vertexId} at ${deployment.vertexIndex}); ` +
        'a job must build the same pipeline in every thread',
    );
  }
  const faults = deployment.faults
    ? new FaultInjector(deployment.faults, deployment.subtaskIndex, onFaultFired)
    : undefined;
  const output = new TaskOutput();
  onOutput(output);
  const { bufferTimeoutMs, inFlightTargetMs } = env.options;
  // The chain's record timestamps, which its writers send along with the records.
  const recordTime = { current: undefined };
  const writerOptions = {
    flushTimeoutMs: bufferTimeoutMs,
    time: recordTime,
    ...(inFlightTargetMs === undefined ? {} : { inFlightTargetMs }),
  };
  for (const edgeDeployment of deployment.outputs) {
    const edge = graph.edges[edgeDeployment.edgeIndex]!;
    const writers: ChannelWriter[] = [];
    try {
      for (const channel of edgeDeployment.channels) writers.push(new ChannelWriter(channel, writerOptions));
    } catch (error) {
      // The writers of earlier edges are in `output`, which the host closes; these are not yet.
      for (const writer of writers) writer.channel.close();
      throw error;
    }
    const combine = combineDelayMs(env.options);
    const consumer = edge.target.nodes[0]!;
    const select = sideOutputSelector(vertex.nodes.at(-1)!.sideOutputs, consumer.sideOutputTag);
    output.addEdge(writers, edge.partitioner, {
      ...(select === undefined ? {} : { select }),
      maxParallelism: graph.maxParallelism,
      subtaskIndex: deployment.subtaskIndex,
      parallelism: vertex.parallelism,
      consumer: { operatorName: consumer.name, operatorUid: consumer.resolvedUid },
      combine,
    });
  }
  const chain = buildOperatorChain(
    vertex,
    {
      subtaskIndex: deployment.subtaskIndex,
      maxParallelism: graph.maxParallelism,
      runtimeMode: env.options.runtimeMode,
      combinedInput: combineDelayMs(env.options) !== null,
      transactional: deployment.checkpointing?.finalCheckpoint ?? false,
      stateBackend: env.options.stateBackend,
      sendToJobMaster,
      splitCursor: deployment.splitCursor ? new Int32Array(deployment.splitCursor) : undefined,
      recordTime,
      processingTimers: new ProcessingTimers(),
      faults,
    },
    output,
  );
  const sourceUid = vertex.nodes[0]!.role === 'source' ? vertex.nodes[0]!.resolvedUid : undefined;
  const operatorUids = vertex.nodes.filter((n) => n.role !== 'source').map((n) => n.resolvedUid);
  let replay: unknown[];
  let gate: InputGate | undefined;
  try {
    // The inputs first: a partition that cannot be opened fails the subtask before any operator opens.
    const checkpointing = deployment.checkpointing;
    // Unaligned barriers (configured, or forwarded after an alignment timeout) overtake the records
    // queued in the rings: the gate takes them out of band.
    const overtakeUnalignedBarriers =
      checkpointing?.mode === 'exactly-once' &&
      (checkpointing.unaligned === true || checkpointing.alignedCheckpointTimeoutMs !== undefined);
    gate =
      deployment.inputs.length > 0
        ? new InputGate(deployment.inputs, { overtakeUnalignedBarriers })
        : undefined;
    await openKeyedState(chain);
    for (const operator of chain.operators) await operator.open?.();
    replay = deployment.restore
      ? await restoreSubtask(
          deployment.restore,
          chain,
          sourceUid,
          operatorUids,
          ownership(vertex, graph.maxParallelism, deployment.subtaskIndex),
        )
      : [];
  } catch (error) {
    // The host never sees this chain or gate: free keyed state (and working directories) and files here.
    gate?.close();
    disposeKeyedState(chain);
    throw error;
  }
  return { vertex, chain, output, gate, sourceUid, operatorUids, replay, faults };
}

/** Which restored in-flight records this subtask processes: those of its key groups, for a keyed input. */
function ownership(
  vertex: JobVertex,
  maxParallelism: number,
  subtaskIndex: number,
): (record: unknown) => boolean {
  const partitioner = vertex.inputs[0]?.partitioner;
  if (partitioner?.kind !== 'hash' || vertex.inputs.some((e) => e.partitioner.kind !== 'hash'))
    return () => true;
  const range = keyGroupRangeForOperator(maxParallelism, vertex.parallelism, subtaskIndex);
  return (record) => {
    const value = record instanceof TimestampedRecord ? record.value : record;
    const group = keyGroupFor(partitioner.key(value), maxParallelism);
    return group >= range.start && group <= range.end;
  };
}

/**
 * How long producers may hold partial aggregates before a keyed exchange: until the end of input in
 * batch mode, `localAggregationMs` in streaming mode, `null` when they send every record as it is.
 */
function combineDelayMs(options: ResolvedEnvironmentOptions): number | null {
  return options.runtimeMode === 'batch' ? Number.POSITIVE_INFINITY : options.localAggregationMs;
}
