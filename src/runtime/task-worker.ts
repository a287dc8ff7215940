/**
 * Entry of a subtask's worker thread (the piscina task handler; started through
 * `src/worker/bootstrap.mjs`). Thin: loads the job module, rebuilds the job graph, builds the
 * subtask's channels and operator chain, runs the loop, and reports over the control port.
 */

import { StreamEnvironment } from '../api/stream-environment.ts';
import { ChannelWriter } from '../channel/channel-writer.ts';
import { InputGate } from '../channel/input-gate.ts';
import { buildJobGraph } from '../graph/job-graph.ts';
import { restoreSubtask } from './checkpointing/restore-state.ts';
import { type CheckpointControl, TaskCheckpointing } from './checkpointing/task-checkpointing.ts';
import { serializeError } from './error-transport.ts';
import { loadJobEnvironment } from './job-loader.ts';
import { buildOperatorChain, type OperatorChain } from './operator-chain.ts';
import type { ControlFromTask, ControlToTask, SubtaskCounters, TaskDeployment } from './protocol.ts';
import { TaskOutput } from './task-output.ts';
import { TaskRunner } from './task-runner.ts';

export default async function runSubtask(deployment: TaskDeployment): Promise<void> {
  const port = deployment.control;
  const send = (message: ControlFromTask): void => port.postMessage(message);
  let chain: OperatorChain | undefined;
  let output: TaskOutput | undefined;
  const counters = (): SubtaskCounters => ({
    recordsIn: chain ? [...chain.counts] : [],
    recordsOut: output ? output.writers.reduce((sum, w) => sum + w.stats.records + w.pendingRecords, 0) : 0,
  });
  let runner: TaskRunner | undefined;
  let checkpointing: TaskCheckpointing | undefined;
  let cancelRequested = false;
  const early: CheckpointControl[] = [];
  port.on('message', (message: ControlToTask) => {
    if (message.type === 'cancel') {
      cancelRequested = true;
      runner?.cancel();
    } else if (checkpointing) {
      checkpointing.onControl(message);
      runner?.wake();
    } else if (early.length < 64) {
      early.push(message); // arrived while the task was being set up
    }
  });
  const metrics = setInterval(
    () => send({ type: 'metrics', counters: counters() }),
    deployment.metricsIntervalMs,
  );
  try {
    const env = await loadJobEnvironment(deployment.job, (options) => StreamEnvironment.forWorker(options));
    const graph = buildJobGraph(env.nodes, env.graphOptions());
    const vertex = graph.vertices[deployment.vertexIndex];
    if (!vertex || vertex.id !== deployment.vertexId) {
      throw new Error(
        `the job module built a different graph in this worker (no vertex ${deployment.vertexId} at ${deployment.vertexIndex}); ` +
          'a job must build the same pipeline in every thread',
      );
    }
    output = new TaskOutput();
    const writerOptions = { flushTimeoutMs: env.options.bufferTimeoutMs };
    for (const edgeDeployment of deployment.outputs) {
      const edge = graph.edges[edgeDeployment.edgeIndex]!;
      const writers = edgeDeployment.rings.map((ring) => new ChannelWriter(ring, writerOptions));
      output.addEdge(writers, edge.partitioner, graph.maxParallelism, deployment.subtaskIndex);
    }
    chain = buildOperatorChain(
      vertex,
      {
        subtaskIndex: deployment.subtaskIndex,
        maxParallelism: graph.maxParallelism,
        runtimeMode: env.options.runtimeMode,
        sendToJobMaster: (payload) => send({ type: 'to-job-master', payload }),
      },
      output,
    );
    const sourceUid = vertex.nodes[0]!.role === 'source' ? vertex.nodes[0]!.resolvedUid : undefined;
    const operatorUids = vertex.nodes.filter((n) => n.role !== 'source').map((n) => n.resolvedUid);
    if (deployment.restore) await restoreSubtask(deployment.restore, chain, sourceUid, operatorUids);
    const gate = deployment.inputs.length > 0 ? new InputGate(deployment.inputs) : undefined;
    if (deployment.checkpointing) {
      checkpointing = new TaskCheckpointing({
        deployment: deployment.checkpointing,
        vertexId: deployment.vertexId,
        subtaskIndex: deployment.subtaskIndex,
        chain,
        sourceUid,
        operatorUids,
        output,
        gate,
        report: send,
      });
      for (const message of early.splice(0)) checkpointing.onControl(message);
    }
    runner = new TaskRunner(chain, gate, output, checkpointing?.hooks);
    if (cancelRequested) runner.cancel();
    send({ type: 'running' });
    try {
      await runner.run();
      // Acknowledge what was snapshotted before reporting the end (in-flight writes finish first).
      if (!runner.cancelled) await checkpointing?.idle();
    } finally {
      checkpointing?.dispose();
      await closeAll(chain);
    }
    if (runner.cancelled) {
      output.closeAll();
      send({ type: 'cancelled', counters: counters() });
    } else {
      send({ type: 'finished', counters: counters() });
    }
  } catch (error) {
    // Close the outgoing rings so that no consumer waits for this subtask; the job master cancels
    // every other subtask on this report.
    output?.closeAll();
    send({ type: 'failed', error: serializeError(error), counters: counters() });
  } finally {
    clearInterval(metrics);
    // The port stays open: the job master closes it once it has read the last report.
  }
}

async function closeAll(chain: OperatorChain): Promise<void> {
  chain.source?.close?.();
  for (const operator of chain.operators) await operator.close?.();
}
