/**
 * One job process of a `weir chaos` run (the hidden command `weir __chaos-child <spec>`): starts
 * the job with the run's faults set on the runtime's injection hook, in the run's directory (the
 * parent's `cwd`), resumed from the newest retained checkpoint when asked, and reports what
 * happens as event lines on fd 3. A `kill-process` fault asks the parent for `kill -9` and this
 * process waits for it (the subtask's thread holds at its record). Collect sinks' batches are
 * appended to a file as they arrive, so that what was delivered survives the kill.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startJob } from '../../api/execute-job.ts';
import type { JobClient } from '../../api/job-client.ts';
import { onJobStarted } from '../../api/job-hooks.ts';
import { importJobModule } from '../../api/job-import.ts';
import { isJobDefinition } from '../../api/job-loader.ts';
import { listCheckpoints } from '../../checkpoint/storage/reader.ts';
import { InvalidOptionError, WeirError } from '../../errors.ts';
import { setFaultInjection } from '../../runtime/fault-injection.ts';
import { describeError } from '../describe-error.ts';
import { loadTypeScriptFor } from '../typescript-jobs.ts';
import {
  CHAOS_DIR,
  type ChildEvent,
  type ChildSpec,
  COLLECTED_FILE,
  type CollectedLine,
  EVENTS_FD,
} from './chaos-protocol.ts';

function emit(event: ChildEvent): void {
  writeSync(EVENTS_FD, `${JSON.stringify(event)}\n`);
}

export async function chaosChildCommand(argv: readonly string[]): Promise<number> {
  try {
    const spec = JSON.parse(readFileSync(argv[0]!, 'utf8')) as ChildSpec;
    await runChild(spec);
    return 0;
  } catch (error) {
    emit({
      event: 'error',
      message: describeError(error),
      code: error instanceof WeirError ? error.code : undefined,
    });
    return 1;
  }
}

/** Records operator `uid` received in each subtask, from the last attempt's final counters. */
function bySubtask(client: JobClient, uid: string, parallelism: number): number[] {
  const counts = new Array<number>(parallelism).fill(0);
  const vertex = client.plan().vertices.find((v) => v.operators.some((o) => o.uid === uid));
  const position = vertex?.operators.findIndex((o) => o.uid === uid) ?? -1;
  for (const subtask of client.subtaskMetrics())
    if (subtask.vertexId === vertex?.id) counts[subtask.subtask] = subtask.counters.recordsIn[position] ?? 0;
  return counts;
}

async function runChild(spec: ChildSpec): Promise<void> {
  mkdirSync(CHAOS_DIR, { recursive: true });
  const collected = join(CHAOS_DIR, COLLECTED_FILE);
  setFaultInjection({
    faults: spec.faults,
    firedBefore: spec.firedBefore,
    onFired: (_fault, index) => emit({ event: 'fired', fault: index }),
    killProcess: (_fault, index) => emit({ event: 'kill', fault: index }),
    onCollected: (batch) => {
      const line: CollectedLine = {
        uid: batch.collect,
        transaction: batch.transaction,
        records: batch.records,
      };
      // Synchronously: a batch handed over before a kill -9 was delivered.
      appendFileSync(collected, `${JSON.stringify(line)}\n`);
    },
  });
  await loadTypeScriptFor(spec.file);
  const moduleUrl = pathToFileURL(spec.file).href;
  const imported = await importJobModule(moduleUrl);
  if (!isJobDefinition(imported.default))
    throw new InvalidOptionError('job-file', 'a module whose default export is defineJob(...)', spec.file);
  const storage = spec.environment.checkpointing?.storage;
  const dir = storage?.kind === 'filesystem' ? storage.dir : undefined;
  const resume =
    spec.resume && dir !== undefined && existsSync(dir) && (await listCheckpoints(dir)).checkpoints.length > 0
      ? { resume: { path: dir, fallBackToOlder: true } }
      : {};
  // Listeners go on as the job starts: a resumed job reports its restore before startJob returns.
  const stopListening = onJobStarted<JobClient>((client) => {
    client.on('restored', (checkpoint, attempt) =>
      emit({ event: 'restored', checkpointId: checkpoint?.checkpointId ?? null, attempt }),
    );
    client.on('checkpoint', (checkpoint) =>
      emit({ event: 'checkpoint', checkpointId: checkpoint.checkpointId }),
    );
    client.on('failure', (failure) =>
      emit({
        event: 'failure',
        message: describeError(failure.error),
        code: failure.error instanceof WeirError ? failure.error.code : undefined,
      }),
    );
  });
  const client = await startJob(moduleUrl, {
    args: spec.args,
    environment: { ...spec.environment, ...resume },
  });
  stopListening();
  const result = await client.result;
  emit({
    event: 'result',
    attempts: result.attempts,
    operators: result.operators.map(({ uid, parallelism, records }) => ({
      uid,
      parallelism,
      records,
      bySubtask: bySubtask(client, uid, parallelism),
    })),
    plan: client.plan(),
    checkpoints: result.checkpoints.counts.completed,
  });
}
