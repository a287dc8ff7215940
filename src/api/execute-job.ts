/**
 * Running a job module that exports a {@link JobDefinition}: the main thread imports the module,
 * builds the pipeline with the given arguments, and deploys it; each worker does the same with
 * the same arguments and options (see job-loader.ts).
 */
import { pathToFileURL } from 'node:url';
import type { StreamEnvironmentOptions } from '../config/options.ts';
import { attachDashboard } from '../dashboard/attach-dashboard.ts';
import { type DashboardOptions, resolveDashboardOptions } from '../dashboard/dashboard-options.ts';
import { InvalidOptionError } from '../errors.ts';
import { checkSignal } from './execute-options.ts';
import type { JobClient, JobResult } from './job-client.ts';
import { importJobModule } from './job-import.ts';
import { isJobDefinition } from './job-loader.ts';
import { StreamEnvironment } from './stream-environment.ts';

/** Options of {@link executeJob} and {@link startJob}. */
export interface ExecuteJobOptions<A> {
  /** Arguments passed to the job's build function in every thread (structured-cloneable). */
  readonly args?: A;
  /** Environment options (parallelism, buffer timeout, ...), the same in every thread. */
  readonly environment?: Omit<StreamEnvironmentOptions, 'module'>;
  /** The job's name in results and errors. */
  readonly jobName?: string;
  /**
   * Serves a live dashboard, a REST API and Prometheus `/metrics` for the job while it runs
   * (`docs/dashboard.md`): on 127.0.0.1 and a free port unless told otherwise; the URL is
   * `client.dashboard.url`. Needs the optional packages hono, @hono/node-server, prom-client and
   * uplot. `true`: the defaults.
   */
  readonly dashboard?: DashboardOptions | boolean;
  /**
   * Cancels the job when it aborts: the result rejects with a `JobAbortedError` (name
   * `AbortError`, code `ERR_JOB_CANCELLED`). Already aborted: rejects at once, nothing starts.
   */
  readonly signal?: AbortSignal;
}

/**
 * Starts the job defined by the module at `module` (a path or file URL) and returns its client.
 * Rejects with `JobModuleError` when the module is missing, does not parse, or is TypeScript and
 * this process has no TypeScript loader (start node with `--import tsx`, or use `weir run`).
 */
export async function startJob<A>(
  module: string | URL,
  options: ExecuteJobOptions<A> = {},
): Promise<JobClient> {
  const href = toModuleHref(module);
  checkSignal(options.signal, options.jobName ?? jobNameOf(href));
  const dashboard =
    options.dashboard === undefined || options.dashboard === false
      ? undefined
      : resolveDashboardOptions(options.dashboard);
  const imported = await importJobModule(href);
  const definition = imported.default;
  if (!isJobDefinition(definition)) {
    throw new InvalidOptionError('module', 'a module whose default export is defineJob(...)', href);
  }
  const environment = { ...definition.environment, ...options.environment };
  const env = new StreamEnvironment(environment);
  env.jobRef = { module: href, args: options.args, options: { ...environment } };
  await definition.build(env, options.args);
  const client = await env.executeAsync(options.jobName ?? jobNameOf(href), { signal: options.signal });
  if (dashboard !== undefined) {
    try {
      client.dashboard = await attachDashboard(client, dashboard);
    } catch (error) {
      await client.cancel();
      throw error;
    }
  }
  return client;
}

/** Runs the job defined by the module at `module` to completion. */
export async function executeJob<A>(
  module: string | URL,
  options: ExecuteJobOptions<A> = {},
): Promise<JobResult> {
  const client = await startJob(module, options);
  return client.result;
}

function toModuleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module.length === 0)
    throw new InvalidOptionError('module', 'a path or file URL', module);
  return /^[a-z]+:/i.test(module) && !/^[a-z]:[\\/]/i.test(module) ? module : pathToFileURL(module).href;
}

function jobNameOf(href: string): string {
  const file = href.slice(href.lastIndexOf('/') + 1);
  return file.replace(/\.[cm]?[jt]s$/, '');
}
