/**
 * One run of `weir chaos`, on the parent's side: the job runs in child processes (chaos-child.ts)
 * in the run's own directory, so that relative output paths, the checkpoints and the collect
 * sinks' file are the run's alone. A child that asks for `kill -9` gets it; the next child resumes
 * from the newest retained checkpoint with the faults that fired marked as fired. Ends when a child
 * reports the job's result, reports an error, or the run exceeds its time limit.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StreamEnvironmentOptions } from '../../config/options.ts';
import type { InjectedFault } from '../../runtime/protocol.ts';
import { CHAOS_DIR, type ChildEvent, EVENTS_FD } from './chaos-protocol.ts';

/** Everything a run is started with. */
export interface RunInput {
  /** `ref`, `ref-2`, `probe` or the run's number. */
  readonly name: string;
  readonly dir: string;
  readonly file: string;
  readonly args: unknown;
  readonly environment: Omit<StreamEnvironmentOptions, 'module'>;
  readonly faults: readonly InjectedFault[];
  readonly timeoutMs: number;
}

/** What happened in a run. */
export interface RunRecord {
  readonly name: string;
  readonly faults: readonly InjectedFault[];
  /** Indices of the faults that fired. */
  readonly fired: number[];
  /** In-process restarts (attempts after the first) plus resumes after `kill -9`. */
  restarts: number;
  /** Restarts and resumes that started from a checkpoint (not from scratch). */
  checkpointsRestored: number;
  /** Job processes killed with SIGKILL. */
  kills: number;
  /** Failures the job reported (message and code). */
  readonly failures: Array<{ message: string; code?: string | undefined }>;
  outcome: 'finished' | 'failed' | 'timeout';
  /** Why the run did not finish. */
  error?: { message: string; code?: string | undefined };
  /** The result's last event (the failure-free run's profile). */
  result?: Extract<ChildEvent, { event: 'result' }>;
  /** The job's standard output over every process (print sinks). */
  stdout: string;
  stderr: string;
}

/** bin/weir.mjs, from src/cli/chaos/ and from dist/cli/chaos/ alike. */
const WEIR_BIN = fileURLToPath(new URL('../../../bin/weir.mjs', import.meta.url));

export async function runChaosRun(input: RunInput): Promise<RunRecord> {
  mkdirSync(join(input.dir, CHAOS_DIR), { recursive: true });
  const record: RunRecord = {
    name: input.name,
    faults: input.faults,
    fired: [],
    restarts: 0,
    checkpointsRestored: 0,
    kills: 0,
    failures: [],
    outcome: 'failed',
    stdout: '',
    stderr: '',
  };
  const deadline = Date.now() + input.timeoutMs;
  for (let child = 0; ; child++) {
    const specFile = join(input.dir, CHAOS_DIR, `spec-${child}.json`);
    writeFileSync(
      specFile,
      JSON.stringify({
        file: input.file,
        args: input.args,
        environment: input.environment,
        faults: input.faults,
        firedBefore: record.fired,
        resume: child > 0,
      }),
    );
    const ended = await runChild(
      specFile,
      input.dir,
      deadline,
      record,
      join(input.dir, CHAOS_DIR, 'events.jsonl'),
    );
    if (ended === 'killed') {
      record.kills++;
      record.restarts++;
      continue;
    }
    record.outcome = ended;
    return record;
  }
}

/** Runs one child to its end: its result, an error, a kill it asked for, or the deadline. */
function runChild(
  specFile: string,
  cwd: string,
  deadline: number,
  record: RunRecord,
  /** Every event line is kept here too, for a look at a failing run. */
  log: string,
): Promise<'finished' | 'failed' | 'timeout' | 'killed'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WEIR_BIN, '__chaos-child', specFile], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let ending: 'finished' | 'failed' | 'timeout' | 'killed' | undefined;
    const timer = setTimeout(
      () => {
        ending = 'timeout';
        record.error = { message: 'the run did not end within its time limit (--timeout)' };
        child.kill('SIGKILL');
      },
      Math.max(0, deadline - Date.now()),
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      record.stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      record.stderr += chunk.toString();
    });
    let pending = '';
    const events = child.stdio[EVENTS_FD] as NodeJS.ReadableStream;
    events.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
        appendFileSync(log, `${line}\n`);
        const event = JSON.parse(line) as ChildEvent;
        if (event.event === 'kill' && ending === undefined) {
          ending = 'killed';
          child.kill('SIGKILL');
        }
        onEvent(event, record);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (ending === undefined) {
        ending = record.result !== undefined && code === 0 ? 'finished' : 'failed';
        if (ending === 'failed' && record.error === undefined)
          record.error = { message: `the job process exited with code ${code}: ${lastLine(record.stderr)}` };
      }
      resolve(ending);
    });
  });
}

function onEvent(event: ChildEvent, record: RunRecord): void {
  switch (event.event) {
    case 'fired':
      if (!record.fired.includes(event.fault)) record.fired.push(event.fault);
      break;
    case 'restored':
      // Attempt 1 restoring is a resume after kill -9, counted when the parent killed.
      if (event.attempt > 1) record.restarts++;
      if (event.checkpointId !== null) record.checkpointsRestored++;
      break;
    case 'failure':
      record.failures.push({ message: event.message, code: event.code });
      break;
    case 'result':
      record.result = event;
      break;
    case 'error':
      record.error = { message: event.message, code: event.code };
      break;
    default:
      break;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
