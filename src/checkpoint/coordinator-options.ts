/**
 * What the checkpoint coordinator is built from, and what a manual trigger may ask for, validated
 * at the boundary with errors that name the option.
 */
import { InvalidOptionError } from '../errors.ts';
import type { Clock } from '../util/clock.ts';
import type { Scheduler } from '../util/scheduler.ts';
import type { CheckpointGateway } from './checkpoint-gateway.ts';
import type { VertexSpec } from './checkpoint-plan.ts';
import type { CheckpointingOptions } from './config.ts';
import type { CheckpointProperties } from './pending-checkpoint.ts';
import type { CheckpointStatsOptions } from './stats.ts';
import type { CheckpointStorage } from './storage/checkpoint-storage.ts';

/** What the coordinator is built from. */
export interface CheckpointCoordinatorOptions {
  readonly jobId: string;
  /** Checkpointing options (validated again here), or a config from `resolveCheckpointConfig`. */
  readonly config: CheckpointingOptions;
  /** The job's vertices; every subtask of every vertex acknowledges every checkpoint. */
  readonly vertices: readonly VertexSpec[];
  readonly storage: CheckpointStorage;
  readonly gateway: CheckpointGateway;
  /** Monotonic time for decisions and durations; default `systemClock`. */
  readonly clock?: Clock;
  /** Timers; default `timerScheduler` (unref'd). */
  readonly scheduler?: Scheduler;
  /** Wall-clock time (ms since the epoch) for barrier and metadata timestamps; default `Date.now`. */
  readonly epochClock?: Clock;
  /** First id handed out; after a restore, one more than the highest id in storage. Default 1. */
  readonly firstCheckpointId?: number;
  readonly stats?: CheckpointStatsOptions;
  /** Errors of background work (deleting old checkpoints); default `process.emitWarning`. */
  readonly onBackgroundError?: (error: Error) => void;
}

/** A manual trigger. */
export interface TriggerRequest {
  /** A savepoint: retained until deleted by hand, self-contained, always aligned. */
  readonly savepoint?: boolean;
  /** Savepoints only: the directory to write it into. */
  readonly targetDir?: string;
}

/** Validates a manual trigger request; throws {@link InvalidOptionError} naming the option. */
export function resolveTriggerRequest(request: TriggerRequest): CheckpointProperties {
  if (typeof request !== 'object' || request === null)
    throw new InvalidOptionError('request', 'an object ({ savepoint?, targetDir? })', request);
  const savepoint = request.savepoint ?? false;
  if (typeof savepoint !== 'boolean') throw new InvalidOptionError('savepoint', 'a boolean', savepoint);
  const { targetDir } = request;
  if (targetDir === undefined) return { savepoint };
  if (typeof targetDir !== 'string' || targetDir.length === 0 || !savepoint)
    throw new InvalidOptionError('targetDir', 'a non-empty directory path, for savepoints only', targetDir);
  return { savepoint, targetDir };
}
