/**
 * `weir run <job-file>`: runs a job module (TypeScript or JavaScript; a `defineJob` default export
 * or a script that calls `env.execute()`), shows progress, status changes and completed checkpoints
 * on the terminal, prints a summary, and cancels cleanly on Ctrl-C (a second Ctrl-C exits at once).
 * Checkpoints of jobs run from the CLI go to a filesystem directory by default.
 */
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startJob } from '../api/execute-job.ts';
import type { JobClient } from '../api/job-client.ts';
import { onJobStarted, setDefaultJobModule, setEnvironmentDefaults } from '../api/job-hooks.ts';
import { isJobDefinition } from '../api/job-loader.ts';
import type { CheckpointingMode } from '../checkpoint/config.ts';
import type { StreamEnvironmentOptions } from '../config/options.ts';
import { InvalidOptionError, WeirError } from '../errors.ts';
import type { StateBackendType } from '../state/state-backend-options.ts';
import { displayJob } from './job-display.ts';
import { loadTypeScriptFor } from './typescript-jobs.ts';

export const RUN_USAGE = `usage: weir run <job-file> [options]

Runs a job module: either \`export default defineJob((env, args) => ...)\` or a script that
builds a pipeline and calls \`env.execute()\`.

options:
  -p, --parallelism <n>         default parallelism (default: number of cores)
      --max-parallelism <n>     number of key groups (default: 128)
      --buffer-timeout <ms>     flush timeout of partly filled batches (default: 1)
      --ring-capacity <bytes>   bytes per channel ring, a power of two (default: 524288)
      --no-chaining             run every operator in its own subtasks
      --checkpoint-interval <ms>  take a checkpoint every <ms> (at least 10)
      --checkpoint-mode <mode>  exactly-once (default) or at-least-once
      --checkpoint-dir <dir>    checkpoint directory (default: ./weir-checkpoints/<job file name>)
      --from <dir>              resume from a savepoint or checkpoint (or the newest in a directory)
      --allow-non-restored-state  drop state of operators the job no longer has
      --state-backend <type>    where keyed state lives: heap (default) or embedded (on disk, LMDB)
      --state-dir <dir>         working directory of the embedded backend (default: the system's temp)
      --args <json>             arguments for a defineJob job, as JSON
  -q, --quiet                   no progress display
`;

export async function runCommand(
  argv: readonly string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      parallelism: { type: 'string', short: 'p' },
      'max-parallelism': { type: 'string' },
      'buffer-timeout': { type: 'string' },
      'ring-capacity': { type: 'string' },
      'no-chaining': { type: 'boolean' },
      'checkpoint-interval': { type: 'string' },
      'checkpoint-mode': { type: 'string' },
      'checkpoint-dir': { type: 'string' },
      from: { type: 'string' },
      'allow-non-restored-state': { type: 'boolean' },
      'state-backend': { type: 'string' },
      'state-dir': { type: 'string' },
      args: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    (values.help ? out : err).write(RUN_USAGE);
    return values.help ? 0 : 2;
  }
  const file = resolve(positionals[0]!);
  const moduleUrl = pathToFileURL(file).href;
  try {
    const interval = values['checkpoint-interval'];
    const environment: Omit<StreamEnvironmentOptions, 'module'> = {
      ...numberOption('parallelism', values.parallelism),
      ...numberOption('maxParallelism', values['max-parallelism']),
      ...numberOption('bufferTimeoutMs', values['buffer-timeout']),
      ...numberOption('ringCapacity', values['ring-capacity']),
      ...(values['no-chaining'] ? { chaining: false } : {}),
      ...stateBackendOption(values['state-backend'], values['state-dir']),
      checkpointing: {
        storage: {
          kind: 'filesystem',
          dir:
            values['checkpoint-dir'] ?? resolve('weir-checkpoints', basename(file).replace(/\.[^.]+$/, '')),
        },
        ...(interval === undefined ? {} : { intervalMs: Number(interval) }),
        ...(values['checkpoint-mode'] === undefined
          ? {}
          : { mode: values['checkpoint-mode'] as CheckpointingMode }),
      },
      ...(values.from === undefined
        ? {}
        : {
            resume: {
              path: resolve(values.from),
              allowNonRestoredState: values['allow-non-restored-state'] ?? false,
            },
          }),
    };
    const args = values.args === undefined ? undefined : parseJson(values.args);
    setDefaultJobModule(moduleUrl);
    setEnvironmentDefaults(environment);
    await loadTypeScriptFor(file);
    return await runModule(moduleUrl, file, args, environment, values.quiet ?? false, out, err);
  } catch (error) {
    err.write(`weir run: ${describe(error)}\n`);
    return 1;
  }
}

/** `--state-backend` and `--state-dir` as the environment's `stateBackend` (validated there). */
function stateBackendOption(
  type: string | undefined,
  directory: string | undefined,
): Pick<StreamEnvironmentOptions, 'stateBackend'> {
  if (directory !== undefined) {
    if (type !== undefined && type !== 'embedded')
      throw new InvalidOptionError('--state-backend', '"embedded" when --state-dir is given', type);
    return { stateBackend: { type: 'embedded', directory: resolve(directory) } };
  }
  return type === undefined ? {} : { stateBackend: type as StateBackendType };
}

async function runModule(
  moduleUrl: string,
  file: string,
  args: unknown,
  environment: Omit<StreamEnvironmentOptions, 'module'>,
  quiet: boolean,
  out: NodeJS.WriteStream,
  err: NodeJS.WriteStream,
): Promise<number> {
  const clients: JobClient[] = [];
  let interrupted = 0;
  const onSigint = (): void => {
    interrupted++;
    if (interrupted > 1) process.exit(130);
    err.write('\ncancelling (Ctrl-C again to exit at once)...\n');
    for (const client of clients) void client.cancel();
  };
  process.on('SIGINT', onSigint);
  const stopListening = onJobStarted<JobClient>((client) => {
    clients.push(client);
    if (interrupted > 0) void client.cancel();
    if (!quiet) displayJob(client, out);
  });
  try {
    const imported = (await import(moduleUrl)) as { default?: unknown };
    if (isJobDefinition(imported.default)) await startJob(moduleUrl, { args, environment });
    if (clients.length === 0) {
      err.write(`weir run: ${file} started no job (export default defineJob(...) or call env.execute())\n`);
      return 2;
    }
    await Promise.all(clients.map((c) => c.result));
    return 0;
  } catch (error) {
    if (error instanceof WeirError && error.code === 'ERR_JOB_CANCELLED') {
      err.write('job cancelled\n');
      return 130;
    }
    err.write(`weir run: job failed: ${describe(error)}\n`);
    return 1;
  } finally {
    stopListening();
    process.off('SIGINT', onSigint);
  }
}

function numberOption(
  name: keyof StreamEnvironmentOptions,
  text: string | undefined,
): Record<string, number> {
  if (text === undefined) return {};
  const value = Number(text);
  return { [name]: Number.isFinite(value) && text.trim() !== '' ? value : Number.NaN };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WeirError(
      'ERR_INVALID_OPTION',
      'configuration',
      `--args must be JSON: ${(error as Error).message}`,
    );
  }
}

function describe(error: unknown): string {
  if (error instanceof WeirError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
