/**
 * How any thread obtains a job's graph from its module. A job module either exports a
 * {@link JobDefinition} (`export default defineJob((env, args) => ...)`), which is called with a
 * fresh environment, or is a script that builds a pipeline and calls `env.execute()`; in a worker,
 * that call hands the environment over through a capture hook instead of running the job.
 */

import type { StreamEnvironmentOptions } from '../config/options.ts';
import { WeirError } from '../errors.ts';
import type { JobModuleRef } from '../runtime/protocol.ts';
import { moduleAliases } from '../runtime/worker-bundle.ts';
import { setCaptureHook, setEnvironmentDefaults } from './job-hooks.ts';
import type { StreamEnvironment } from './stream-environment.ts';

/** Environments captured from script modules, by module URL: a reused thread imports a module once. */
const CAPTURED = Symbol.for('weir.worker.captured-environments');
/** The last load begun in this thread (see {@link loadJobEnvironment}). */
const LOADING = Symbol.for('weir.worker.job-loading');

/** A job as a function of an environment and plain-data arguments. */
export interface JobDefinition<A = unknown> {
  readonly kind: 'weir.job-definition';
  readonly build: (env: StreamEnvironment, args: A) => void | Promise<void>;
  /** Environment options of the job; the caller's options (CLI flags, executeJob) override them. */
  readonly environment: Omit<StreamEnvironmentOptions, 'module'>;
}

/**
 * Declares a job module's job: `export default defineJob((env, args) => { ... })`. The function
 * runs in the main thread and in every worker with the same `args`, and must build the same
 * pipeline each time (no randomness or clock reads that change the graph).
 */
export function defineJob<A = unknown>(
  build: (env: StreamEnvironment, args: A) => void | Promise<void>,
  environment: Omit<StreamEnvironmentOptions, 'module'> = {},
): JobDefinition<A> {
  return { kind: 'weir.job-definition', build, environment };
}

export function isJobDefinition(value: unknown): value is JobDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'weir.job-definition'
  );
}

/**
 * Imports the job module and returns the environment it builds. `create` makes the environment of
 * a job definition; script modules create their own and are captured at `execute()`.
 *
 * Loads in one thread run one after another: subtasks sharing a thread load the same module at
 * once, and a script's `execute()` is captured by one hook at a time, so a second concurrent load
 * would miss the capture and wait forever; after the first, the others find it cached.
 */
export function loadJobEnvironment(
  ref: JobModuleRef,
  create: (options: JobModuleRef['options']) => StreamEnvironment,
): Promise<StreamEnvironment> {
  const globals = globalThis as Record<symbol, unknown>;
  const previous = (globals[LOADING] as Promise<unknown> | undefined) ?? Promise.resolve();
  const load = previous.then(
    () => loadOnce(ref, create),
    () => loadOnce(ref, create),
  );
  globals[LOADING] = load.catch(() => {});
  return load;
}

async function loadOnce(
  ref: JobModuleRef,
  create: (options: JobModuleRef['options']) => StreamEnvironment,
): Promise<StreamEnvironment> {
  const cache = ((globalThis as Record<symbol, unknown>)[CAPTURED] ??= new Map()) as Map<
    string,
    StreamEnvironment
  >;
  const cached = cache.get(ref.module);
  if (cached) return cached;
  // A script's environment is built by the script itself: give it the defaults the main thread had.
  setEnvironmentDefaults(ref.options);
  let captured: StreamEnvironment | undefined;
  let removeHook = (): void => {};
  const done = new Promise<void>((resolve) => {
    removeHook = setCaptureHook<StreamEnvironment>((env) => {
      captured ??= env;
      resolve();
    });
  });
  try {
    // A job's workers run its code bundled (worker-bundle.ts): the job module is one of the files.
    const url = moduleAliases()?.get(ref.module) ?? ref.module;
    const imported = (await Promise.race([import(url), done])) as { default?: unknown } | undefined;
    if (captured) {
      cache.set(ref.module, captured);
      return captured;
    }
    const definition = imported?.default;
    if (isJobDefinition(definition)) {
      const env = create(ref.options);
      await definition.build(env, ref.args);
      return env;
    }
    throw new WeirError(
      'ERR_INVALID_JOB_GRAPH',
      'configuration',
      `job module ${ref.module} neither exports a defineJob(...) default nor calls env.execute()`,
    );
  } finally {
    removeHook();
  }
}
