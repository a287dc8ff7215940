/**
 * What `weir chaos` and the child process that runs one job process say to each other: the spec
 * the child reads from a file, and the events it writes, one JSON object per line, to file
 * descriptor 3 (stdout stays the job's own: print sinks are output to compare).
 */
import type { StreamEnvironmentOptions } from '../../config/options.ts';
import type { JobPlan } from '../../graph/job-plan.ts';
import type { InjectedFault } from '../../runtime/protocol.ts';

/** Where the child keeps what is not the job's output (checkpoints, collected batches). */
export const CHAOS_DIR = '.weir-chaos';
/** The collect sinks' batches, one JSON line each, appended as delivered. */
export const COLLECTED_FILE = 'collected.jsonl';
/** The file descriptor of the event lines. */
export const EVENTS_FD = 3;

/** One job process of a run (the run's first, or a resume after `kill -9`). */
export interface ChildSpec {
  /** Absolute path of the job module. */
  readonly file: string;
  readonly args: unknown;
  readonly environment: Omit<StreamEnvironmentOptions, 'module'>;
  readonly faults: readonly InjectedFault[];
  readonly firedBefore: readonly number[];
  /** Resume from the newest retained checkpoint in the run's checkpoint directory, if any. */
  readonly resume: boolean;
}

/** A line of the child's event stream. */
export type ChildEvent =
  | { readonly event: 'fired'; readonly fault: number }
  | { readonly event: 'kill'; readonly fault: number }
  | { readonly event: 'restored'; readonly checkpointId: number | null; readonly attempt: number }
  | { readonly event: 'failure'; readonly message: string; readonly code?: string | undefined }
  | { readonly event: 'checkpoint'; readonly checkpointId: number }
  | {
      readonly event: 'result';
      readonly attempts: number;
      /** Records each operator received, in total and by subtask (the last attempt's). */
      readonly operators: ReadonlyArray<{
        uid: string;
        parallelism: number;
        records: number;
        bySubtask: number[];
      }>;
      readonly plan: JobPlan;
      readonly checkpoints: number;
    }
  | { readonly event: 'error'; readonly message: string; readonly code?: string | undefined };

/** A collect sink's batch as the child appends it. */
export interface CollectedLine {
  readonly uid: string;
  readonly transaction?: string | undefined;
  readonly records: unknown[];
}
