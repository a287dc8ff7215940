// Runs the Redis → keyed count → PostgreSQL job in a process of its own, so that a test can kill
// the whole process (SIGKILL: workers, connections and open transactions go at once) and resume
// it from the retained checkpoint (`runnerJob`, in any process). Argument: JSON of RunnerArgs. Prints
// `checkpoint <id>` per completed checkpoint, the job's `reached <n>` and `done <attempts>` at the end.
import { fileURLToPath } from 'node:url';
import { type StreamEnvironmentOptions, startJob } from '../../../../src/index.ts';
import type { RedisToPostgresArgs } from './redis-to-postgres.job.ts';

export interface RunnerArgs {
  readonly streams: readonly string[];
  readonly schema: string;
  readonly bounded: boolean;
  readonly checkpointDir: string;
  /** Resume from the newest checkpoint in checkpointDir. */
  readonly resume: boolean;
  readonly busyMicros: number;
  readonly announceAt?: number;
}

export const RUNNER_JOB = new URL('./redis-to-postgres.job.ts', import.meta.url);

/** The job's arguments and environment for `runner`. */
export function runnerJob(runner: RunnerArgs): {
  args: RedisToPostgresArgs;
  environment: Omit<StreamEnvironmentOptions, 'module'>;
} {
  return {
    args: {
      streams: runner.streams,
      bounded: runner.bounded,
      schema: runner.schema,
      throwAt: [],
      exitAt: [],
      sinkExitAt: [],
      fired: new SharedArrayBuffer(4),
      busyMicros: runner.busyMicros,
      ...(runner.announceAt !== undefined ? { announceAt: runner.announceAt } : {}),
    },
    environment: {
      parallelism: 2,
      checkpointing: { intervalMs: 40, storage: { kind: 'filesystem', dir: runner.checkpointDir } },
      restart: { strategy: 'none' },
      ...(runner.resume ? { resume: { path: runner.checkpointDir } } : {}),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const client = await startJob(RUNNER_JOB, runnerJob(JSON.parse(process.argv[2]!) as RunnerArgs));
  client.on('checkpoint', (checkpoint) => console.log(`checkpoint ${checkpoint.checkpointId}`));
  const result = await client.result;
  console.log(`done ${result.attempts}`);
}
