/**
 * Turns a validated environment and job graph into a running job: resolves checkpointing and
 * restart configuration (errors name the option, before any worker starts), opens checkpoint
 * storage, finds the state to resume from, and starts the job master behind a {@link JobClient}.
 */
import { resolveCheckpointConfig } from '../checkpoint/config.ts';
import { createCheckpointStorage } from '../checkpoint/storage/create-storage.ts';
import type { ResolvedEnvironmentOptions } from '../config/options.ts';
import type { JobGraph } from '../graph/job-graph.ts';
import { describePlan } from '../graph/job-plan.ts';
import type { StreamNode } from '../graph/stream-node.ts';
import { createRestartStrategy } from '../restart/create-restart-strategy.ts';
import { resolveRestartConfig } from '../restart/resolve-restart-config.ts';
import { findResumeState } from '../runtime/checkpointing/resume.ts';
import { activeFaultInjection } from '../runtime/fault-injection.ts';
import { JobMaster } from '../runtime/job-master.ts';
import type { JobModuleRef } from '../runtime/protocol.ts';
import { JobClient } from './job-client.ts';

export async function launchJob(init: {
  name: string;
  graph: JobGraph;
  job: JobModuleRef;
  options: ResolvedEnvironmentOptions;
  /** The collect sinks' record arrays, filled as batches arrive. */
  collected: ReadonlyMap<StreamNode, unknown[]>;
  /** Cancels the job when it aborts. */
  signal?: AbortSignal | undefined;
}): Promise<JobClient> {
  const options = init.options;
  const checkpointConfig = resolveCheckpointConfig(options.checkpointing ?? {});
  const restartConfig = resolveRestartConfig(options.restart, {
    checkpointingEnabled: checkpointConfig.intervalMs !== null,
  });
  const storage = createCheckpointStorage(checkpointConfig.storage);
  const resume = options.resume;
  const initialState = resume === undefined ? undefined : await findResumeState(resume.path, resume);
  // Ids continue above every checkpoint directory in storage, finished, damaged or left unfinished
  // by a crash (and above the resumed one), so nothing is overwritten or mixed with old files.
  const listing = await storage.list();
  const highest = Math.max(
    0,
    initialState?.checkpointId ?? 0,
    ...listing.checkpoints.map((c) => c.checkpointId),
    ...listing.invalid.map((c) => c.checkpointId ?? 0),
    ...(listing.unfinished ?? []),
  );

  const collections = new Map<string, unknown[]>();
  for (const [node, records] of init.collected) collections.set(node.resolvedUid, records);
  const committed = new Set<string>();
  const faultInjection = activeFaultInjection();
  let client: JobClient | undefined;
  const master = new JobMaster({
    name: init.name,
    graph: init.graph,
    job: init.job,
    ringCapacity: options.ringCapacity,
    checkpointConfig,
    storage,
    restartStrategy: createRestartStrategy(restartConfig),
    initialState,
    restoreOptions: { allowNonRestoredState: resume?.allowNonRestoredState ?? false },
    firstCheckpointId: highest + 1,
    resourceLimits: options.workerResourceLimits,
    threadSharing: options.threadSharing,
    faultInjection,
    stages:
      options.batchShuffleMode === 'blocking'
        ? { partitionDirectory: options.partitionDirectory }
        : undefined,
    collect: (batch) => {
      faultInjection?.onCollected?.(batch);
      const target = collections.get(batch.collect);
      if (!target) return;
      // A transaction committed again after a restore is kept once.
      if (batch.transaction !== undefined) {
        if (committed.has(batch.transaction)) return;
        committed.add(batch.transaction);
      }
      for (const r of batch.records) target.push(r);
    },
    events: {
      onProgress: (progress) => client?.emit('progress', progress),
      onStatus: (from, to, cause) => client?.emit('status', from, to, cause),
      onCheckpointCompleted: (checkpoint) => client?.emit('checkpoint', checkpoint),
      onRestored: (checkpoint, attempt) => client?.emit('restored', checkpoint, attempt),
      onRecovered: (recovery) => client?.emit('recovered', recovery),
      onFailure: (failure) => client?.emit('failure', failure),
    },
  });
  const sourceUids = init.graph.vertices.flatMap((v) =>
    v.nodes.filter((n) => n.role === 'source').map((n) => n.resolvedUid),
  );
  client = new JobClient({
    jobName: init.name,
    sourceUids,
    master,
    collections,
    signal: init.signal,
    plan: describePlan(init.graph),
    configuration: { environment: options, checkpointing: checkpointConfig, restart: restartConfig },
  });
  return client;
}
