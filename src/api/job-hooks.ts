/**
 * Process-wide hooks between the CLI (or any embedding tool) and job scripts: the job module to
 * hand to workers, environment defaults that a script's own options override, and a notification
 * when a job starts (the CLI attaches its progress display and Ctrl-C handling there), and the
 * hook through which a worker loading a job script receives its environment. Stored on
 * `globalThis` under registered symbols so that every copy of the module sees the same hooks.
 */
import type { StreamEnvironmentOptions } from '../config/options.ts';

const DEFAULTS = Symbol.for('weir.environment-defaults');
const MODULE = Symbol.for('weir.job-module');
const STARTED = Symbol.for('weir.job-started-listeners');
const IMPORTER = Symbol.for('weir.job-importer');
const CAPTURE = Symbol.for('weir.worker.capture-environment');

type Globals = Record<symbol, unknown>;
const globals = globalThis as Globals;

/** Sets environment defaults for jobs started in this thread (a script's own options win). */
export function setEnvironmentDefaults(defaults: Omit<StreamEnvironmentOptions, 'module'>): void {
  globals[DEFAULTS] = { ...defaults };
}

/** The environment defaults set in this thread. */
export function environmentDefaults(): Omit<StreamEnvironmentOptions, 'module'> {
  return (globals[DEFAULTS] as Omit<StreamEnvironmentOptions, 'module'> | undefined) ?? {};
}

/** Names the module that job scripts started in this thread come from (the CLI's job file). */
export function setDefaultJobModule(url: string): void {
  globals[MODULE] = url;
}

/** The module set by {@link setDefaultJobModule}, if any. */
export function defaultJobModule(): string | undefined {
  return globals[MODULE] as string | undefined;
}

/** Calls `listener` with every job client started in this thread from now on. */
export function onJobStarted<C>(listener: (client: C) => void): () => void {
  const listeners = (globals[STARTED] ??= new Set<(client: unknown) => void>()) as Set<
    (client: unknown) => void
  >;
  const l = listener as (client: unknown) => void;
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Tells listeners that a job started. */
export function notifyJobStarted(client: unknown): void {
  const listeners = globals[STARTED] as Set<(client: unknown) => void> | undefined;
  if (listeners) for (const listener of listeners) listener(client);
}

/** How a thread imports a job module: `import()`, unless a loader was set (the CLI's, for TypeScript). */
export type JobImporter = (url: string) => Promise<Record<string, unknown>>;

/** Sets how job modules are imported in this thread (the CLI imports a TypeScript job from its bundle). */
export function setJobImporter(importer: JobImporter | undefined): void {
  globals[IMPORTER] = importer;
}

/** The importer set by {@link setJobImporter}, if any. */
export function jobImporter(): JobImporter | undefined {
  return globals[IMPORTER] as JobImporter | undefined;
}

/** True in a worker thread that is loading a job module (a capture hook is set). */
export function isCapturingJob(): boolean {
  return typeof globals[CAPTURE] === 'function';
}

/**
 * Sets the hook that a job script's `execute()` hands its environment to while a worker loads the
 * module (the job loader's); returns a function that removes it.
 */
export function setCaptureHook<E>(hook: (env: E) => void): () => void {
  globals[CAPTURE] = hook;
  return () => {
    delete globals[CAPTURE];
  };
}

/** Called by `execute()` in a worker: hands the environment to the loader's hook. */
export function captureEnvironment<E>(env: E): void {
  (globals[CAPTURE] as ((env: E) => void) | undefined)?.(env);
}
