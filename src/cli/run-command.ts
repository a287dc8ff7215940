/**
 * `weir run <job-file>`: runs a job module (TypeScript or JavaScript; a `defineJob` default export
 * or a script that calls `env.execute()`), shows progress, status changes and completed checkpoints
 * on the terminal, prints a summary, and cancels cleanly on Ctrl-C (a second Ctrl-C exits at once).
 * Checkpoints of jobs run from the CLI go to a filesystem directory by default. Flags are checked
 * before the job is imported, and every error is one line naming the flag as typed.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startJob } from '../api/execute-job.ts';
import type { JobClient } from '../api/job-client.ts';
import { onJobStarted, setDefaultJobModule, setEnvironmentDefaults } from '../api/job-hooks.ts';
import { importJobModule } from '../api/job-import.ts';
import { isJobDefinition } from '../api/job-loader.ts';
import { resolveEnvironmentOptions, type StreamEnvironmentOptions } from '../config/options.ts';
import { JobModuleError, WeirError } from '../errors.ts';
import type { RestartOptions } from '../restart/config.ts';
import { choiceFlag, numberFlag, parseCommandLine, renameOption } from './command-line.ts';
import { describeError } from './describe-error.ts';
import { UsageError } from './errors.ts';
import { displayJob } from './job-display.ts';
import { emitJsonEvents, jsonLine } from './json-events.ts';
import type { DisplayTarget } from './progress-display.ts';
import { RunServers } from './run-servers.ts';
import { type RunView, runViewOf } from './run-view.ts';
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
      --no-thread-sharing       run every subtask in a thread of its own (default: subtask i of
                                every operator in thread i)
      --checkpoint-interval <ms>  take a checkpoint every <ms> (at least 10)
      --checkpoint-mode <mode>  exactly-once (default) or at-least-once
      --checkpoint-dir <dir>    checkpoint directory (default: ./weir-checkpoints/<job file name>)
      --from <dir>              resume from a savepoint or checkpoint (or the newest in a directory)
      --allow-non-restored-state  with --from: drop state of operators the job no longer has
      --fall-back-to-older      with --from a directory: use an older intact checkpoint if the
                                newest is damaged
      --restart <strategy>      none, fixed-delay, failure-rate or exponential-delay (default:
                                exponential-delay with checkpoints, none without)
      --restart-attempts <n>    fixed-delay, exponential-delay: restarts at most (or Infinity)
      --restart-delay <ms>      fixed-delay, failure-rate: pause before a restart
      --restart-max-failures <n>        failure-rate: failures tolerated per interval
      --restart-failure-interval <ms>   failure-rate: the interval
      --restart-initial-backoff <ms>    exponential-delay: first pause
      --restart-max-backoff <ms>        exponential-delay: longest pause
      --restart-backoff-multiplier <x>  exponential-delay: growth of the pause
      --restart-reset-threshold <ms>    exponential-delay: running this long resets the pause
      --restart-jitter <f>              exponential-delay: random part of the pause, 0 to 1
      --state-backend <type>    where keyed state lives: heap (default), embedded (on disk, LMDB) or rocksdb
      --state-dir <dir>         working directory of the embedded backend (default: the system's temp)
      --args <json>             arguments for a defineJob job, as JSON
      --dashboard               serve a live dashboard of the job (its URL is printed)
      --dashboard-port <n>      the dashboard's port (default: a free one)
      --dashboard-host <addr>   the address it binds (default: 127.0.0.1, this machine only)
      --keep-dashboard          keep serving after the job ended, until Ctrl-C
      --metrics-port <n>        serve Prometheus /metrics and the REST API (no page) on this port
      --json                    print the job's events as JSON, one object per line
  -q, --quiet                   no progress display
  -h, --help                    this help
`;

const FLAGS = {
  parallelism: { type: 'string', short: 'p' },
  'max-parallelism': { type: 'string' },
  'buffer-timeout': { type: 'string' },
  'ring-capacity': { type: 'string' },
  'no-chaining': { type: 'boolean' },
  'no-thread-sharing': { type: 'boolean' },
  'checkpoint-interval': { type: 'string' },
  'checkpoint-mode': { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  from: { type: 'string' },
  'allow-non-restored-state': { type: 'boolean' },
  'fall-back-to-older': { type: 'boolean' },
  restart: { type: 'string' },
  'restart-attempts': { type: 'string' },
  'restart-delay': { type: 'string' },
  'restart-max-failures': { type: 'string' },
  'restart-failure-interval': { type: 'string' },
  'restart-initial-backoff': { type: 'string' },
  'restart-max-backoff': { type: 'string' },
  'restart-backoff-multiplier': { type: 'string' },
  'restart-reset-threshold': { type: 'string' },
  'restart-jitter': { type: 'string' },
  'state-backend': { type: 'string' },
  'state-dir': { type: 'string' },
  args: { type: 'string' },
  dashboard: { type: 'boolean' },
  'dashboard-port': { type: 'string' },
  'dashboard-host': { type: 'string' },
  'keep-dashboard': { type: 'boolean' },
  'metrics-port': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Flag = keyof typeof FLAGS;

/** The API option behind each flag, by the name the API's validation gives it. */
const OPTION_FLAGS: Readonly<Record<string, Flag>> = {
  parallelism: 'parallelism',
  maxParallelism: 'max-parallelism',
  bufferTimeoutMs: 'buffer-timeout',
  ringCapacity: 'ring-capacity',
  intervalMs: 'checkpoint-interval',
  mode: 'checkpoint-mode',
  stateBackend: 'state-backend',
  'stateBackend.type': 'state-backend',
  'stateBackend.directory': 'state-dir',
  'restart.strategy': 'restart',
  'restart.attempts': 'restart-attempts',
  'restart.delayMs': 'restart-delay',
  'restart.maxFailuresPerInterval': 'restart-max-failures',
  'restart.failureRateIntervalMs': 'restart-failure-interval',
  'restart.initialBackoffMs': 'restart-initial-backoff',
  'restart.maxBackoffMs': 'restart-max-backoff',
  'restart.backoffMultiplier': 'restart-backoff-multiplier',
  'restart.resetBackoffThresholdMs': 'restart-reset-threshold',
  'restart.jitterFactor': 'restart-jitter',
};

/** The restart parameter each `--restart-*` flag sets. */
const RESTART_PARAMETER_FLAGS = Object.entries(OPTION_FLAGS)
  .filter(([option]) => option.startsWith('restart.') && option !== 'restart.strategy')
  .map(([option, flag]) => [option.slice('restart.'.length), flag] as const);

export async function runCommand(
  argv: readonly string[],
  out: DisplayTarget = process.stdout,
  err: DisplayTarget = process.stderr,
): Promise<number> {
  let file: string;
  let environment: Omit<StreamEnvironmentOptions, 'module'>;
  let args: unknown;
  let quiet: boolean;
  let view: RunView;
  try {
    const line = parseCommandLine(argv, FLAGS);
    if (line.values.help) {
      out.write(RUN_USAGE);
      return 0;
    }
    if (line.positionals.length !== 1)
      throw new UsageError(
        line.positionals.length === 0
          ? 'missing the job file'
          : `one job file expected, got ${line.positionals.length}: ${line.positionals.join(' ')}`,
      );
    file = resolve(line.positionals[0]!);
    environment = environmentOf(line.values, line.typed, file);
    args = line.values.args === undefined ? undefined : parseJson(line.values.args, line.typed('args'));
    quiet = line.values.quiet ?? false;
    view = runViewOf(line.values, line.typed);
  } catch (error) {
    if (!(error instanceof WeirError)) throw error;
    err.write(`weir run: ${error.message}\n\n${RUN_USAGE}`);
    return 2;
  }
  if (!existsSync(file)) {
    err.write(`weir run: job file not found: ${file}\n`);
    return 2;
  }
  const moduleUrl = pathToFileURL(file).href;
  try {
    setDefaultJobModule(moduleUrl);
    setEnvironmentDefaults(environment);
    await loadTypeScriptFor(file);
  } catch (error) {
    err.write(`weir run: ${describeError(error)}\n`);
    return 1;
  }
  return runModule(moduleUrl, file, args, environment, quiet, view, out, err);
}

type Values = ReturnType<typeof parseCommandLine<typeof FLAGS>>['values'];

/** The environment options the flags give, validated, with errors naming the flag as typed. */
function environmentOf(
  values: Values,
  typed: (flag: Flag) => string,
  file: string,
): Omit<StreamEnvironmentOptions, 'module'> {
  const number = (flag: Flag) => numberFlag(typed(flag), values[flag] as string | undefined);
  const defined = <T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
      [K in keyof T]?: Exclude<T[K], undefined>;
    };
  for (const flag of ['allow-non-restored-state', 'fall-back-to-older'] as const)
    if (values[flag] && values.from === undefined) throw new UsageError(`${typed(flag)} needs --from`);
  const stateDir = values['state-dir'];
  const backend = choiceFlag(typed('state-backend'), values['state-backend'], [
    'heap',
    'embedded',
    'rocksdb',
  ] as const);
  if (stateDir !== undefined && backend === 'heap')
    throw new UsageError(
      `${typed('state-dir')} needs --state-backend embedded or rocksdb, got ${typed('state-backend')} heap`,
    );
  const environment: Omit<StreamEnvironmentOptions, 'module'> = {
    ...defined({
      parallelism: number('parallelism'),
      maxParallelism: number('max-parallelism'),
      bufferTimeoutMs: number('buffer-timeout'),
      ringCapacity: number('ring-capacity'),
    }),
    ...(values['no-chaining'] ? { chaining: false } : {}),
    ...(values['no-thread-sharing'] ? { threadSharing: false } : {}),
    ...(stateDir !== undefined
      ? { stateBackend: { type: backend ?? 'embedded', directory: resolve(stateDir) } }
      : backend !== undefined
        ? { stateBackend: backend }
        : {}),
    checkpointing: {
      storage: {
        kind: 'filesystem',
        dir: values['checkpoint-dir'] ?? resolve('weir-checkpoints', basename(file).replace(/\.[^.]+$/, '')),
      },
      ...defined({
        intervalMs: number('checkpoint-interval'),
        mode: choiceFlag(typed('checkpoint-mode'), values['checkpoint-mode'], [
          'exactly-once',
          'at-least-once',
        ] as const),
      }),
    },
    ...restartOf(values, typed, number),
    ...(values.from === undefined
      ? {}
      : {
          resume: {
            path: resolve(values.from),
            allowNonRestoredState: values['allow-non-restored-state'] ?? false,
            fallBackToOlder: values['fall-back-to-older'] ?? false,
          },
        }),
  };
  try {
    resolveEnvironmentOptions(environment);
  } catch (error) {
    throw renameOption(error, (option) => {
      const flag = OPTION_FLAGS[option];
      return flag === undefined ? undefined : typed(flag);
    });
  }
  return environment;
}

/** `--restart` and its parameters as the `restart` option (validated with the environment). */
function restartOf(
  values: Values,
  typed: (flag: Flag) => string,
  number: (flag: Flag) => number | undefined,
): Pick<StreamEnvironmentOptions, 'restart'> {
  const params = RESTART_PARAMETER_FLAGS.filter(([, flag]) => values[flag] !== undefined);
  if (values.restart === undefined) {
    const [first] = params;
    if (first) throw new UsageError(`${typed(first[1])} needs --restart <strategy>`);
    return {};
  }
  const restart = { strategy: values.restart } as Record<string, unknown>;
  for (const [param, flag] of params) restart[param] = number(flag);
  return { restart: restart as unknown as RestartOptions };
}

async function runModule(
  moduleUrl: string,
  file: string,
  args: unknown,
  environment: Omit<StreamEnvironmentOptions, 'module'>,
  quiet: boolean,
  view: RunView,
  out: DisplayTarget,
  err: DisplayTarget,
): Promise<number> {
  let servers: RunServers;
  try {
    servers = await RunServers.start(view.servers, (kind, url) =>
      view.json ? jsonLine(out, kind, { url }) : out.write(`${kind}: ${url}\n`),
    );
  } catch (error) {
    const flags: Record<string, string> = {
      'dashboard.port': '--dashboard-port',
      'metrics.port': '--metrics-port',
    };
    err.write(`weir run: ${describeError(renameOption(error, (option) => flags[option]))}\n`);
    return 2;
  }
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
    servers.add(client);
    if (view.json) emitJsonEvents(client, out);
    else if (!quiet) displayJob(client, out);
  });
  try {
    const imported = await importJobModule(moduleUrl);
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
    if (error instanceof JobModuleError) {
      err.write(`weir run: ${describeError(error)}\n`);
      return 1;
    }
    // Before any job started, the job's own code failed while building its pipeline.
    const building = clients.length === 0;
    const hint = building && args === undefined ? ' (the job was given no --args)' : '';
    err.write(
      `weir run: ${building ? 'the job failed to build its pipeline' : 'job failed'}: ${describeError(error)}${hint}\n`,
    );
    return 1;
  } finally {
    stopListening();
    process.off('SIGINT', onSigint);
    if (view.keepDashboard && interrupted === 0) {
      err.write('the job ended; the dashboard stays up until Ctrl-C\n');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
    await servers.close();
  }
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} must be JSON, got ${JSON.stringify(text)} (${(error as Error).message})`);
  }
}
