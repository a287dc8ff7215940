/**
 * The dashboard's HTTP server (hono on Node's http server): the page and its assets, the REST API
 * (`rest-views.ts`), `/metrics` (`prometheus-metrics.ts`) and, per job, a stream of server-sent
 * events that pushes the job's state to open pages once a second and on every job event (at most
 * five times a second). Read-only: every route is a GET. Binds the loopback address unless told
 * otherwise; {@link DashboardServer.close} ends the event streams and every connection, so no
 * handle outlives it.
 *
 * Thread: the main thread.
 */
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { InvalidOptionError } from '../errors.ts';
import type { ResolvedDashboardOptions } from './dashboard-options.ts';
import { JobObserver, type JobObserverOptions } from './job-observer.ts';
import type { ObservedJob } from './observed-job.ts';
import { type DashboardPackages, loadDashboardPackages } from './optional-packages.ts';
import { createMetricsRegistry } from './prometheus-metrics.ts';
import {
  checkpointDetailsView,
  checkpointsView,
  configView,
  exceptionsView,
  jobsView,
  jobView,
  vertexView,
} from './rest-views.ts';

/** A bound TCP server's address (node:net's `AddressInfo`, named here without importing `node:net`). */
type AddressInfo = Exclude<ReturnType<Server['address']>, string | null>;

/** Pushes to a page at most this often, ms (events come in bursts). */
const PUSH_EVERY_MS = 200;
/** How long open requests may finish once the server closes, ms. */
const CLOSE_GRACE_MS = 500;
/** Checkpoints a push carries (the REST API has all of them). */
const PUSHED_HISTORY = 30;

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
/** The files the page loads: name → [directory, content type]; nothing else is served. */
const ASSET_TYPES: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'graph.js': 'text/javascript; charset=utf-8',
  'uPlot.iife.min.js': 'text/javascript; charset=utf-8',
  'uPlot.min.css': 'text/css; charset=utf-8',
};

/** A running dashboard server for one or more jobs. */
export class DashboardServer {
  /** `http://<host>:<port>/`. */
  readonly url: string;
  /** Resolves once the server closed. */
  readonly closed: Promise<void>;
  readonly #server: Server;
  readonly #observers = new Map<string, JobObserver>();
  readonly #streams = new Set<() => Promise<void>>();
  readonly #observerOptions: JobObserverOptions;
  #closing: Promise<void> | undefined;
  #resolveClosed!: () => void;

  private constructor(server: Server, url: string, observerOptions: JobObserverOptions) {
    this.#server = server;
    this.url = url;
    this.#observerOptions = observerOptions;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
  }

  /**
   * Starts a server; rejects with `MissingDependencyError`, or with an `InvalidOptionError` naming
   * `portOption` when the port is taken.
   */
  static async start(
    options: ResolvedDashboardOptions,
    observerOptions: JobObserverOptions = {},
    portOption = 'dashboard.port',
  ): Promise<DashboardServer> {
    const packages = await loadDashboardPackages(options.page);
    let dashboard: DashboardServer | undefined;
    const app = buildApp(packages, options.page, () => dashboard!);
    const server = packages.nodeServer.createAdaptorServer({ fetch: app.fetch }) as Server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
            ? new InvalidOptionError(
                portOption,
                `a port free on ${options.host} (${error.code})`,
                options.port,
              )
            : error,
        ),
      );
      server.listen(options.port, options.host, resolve);
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    dashboard = new DashboardServer(server, `http://${host}:${address.port}/`, observerOptions);
    return dashboard;
  }

  /** The address the server listens on. */
  get address(): AddressInfo {
    return this.#server.address() as AddressInfo;
  }

  /** Shows `job` (from now on its events are recorded); returns its observer. */
  add(job: ObservedJob): JobObserver {
    const observer = new JobObserver(job, this.#observerOptions);
    this.#observers.set(job.jobId, observer);
    return observer;
  }

  /** The observers of the jobs shown, in the order they were added. */
  observers(): Iterable<JobObserver> {
    return this.#observers.values();
  }

  /** @internal A job by id (the routes' lookup). */
  observer(jobId: string): JobObserver | undefined {
    return this.#observers.get(jobId);
  }

  /** @internal Registers an open event stream's ender (a last push, then the end of the response). */
  track(end: () => Promise<void>): () => void {
    this.#streams.add(end);
    return () => this.#streams.delete(end);
  }

  /**
   * Ends every event stream (after a last push, so that a page sees the final state and stops
   * listening instead of reconnecting) and every connection, and stops listening.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#streams].map((end) => end()));
      await new Promise<void>((resolve) => {
        this.#server.close(() => resolve());
        this.#server.closeIdleConnections();
        // A client that keeps a request open past the streams' end is cut off.
        setTimeout(() => this.#server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
      this.#resolveClosed();
    })();
    return this.#closing;
  }
}

type Lookup = () => DashboardServer;

function buildApp(packages: DashboardPackages, page: boolean, dashboard: Lookup): Hono {
  const app = new packages.hono.Hono();
  const registry = createMetricsRegistry(packages.promClient, () => dashboard().observers());
  const job = (c: Context): JobObserver | undefined => dashboard().observer(c.req.param('id') ?? '');
  const notFound = (c: Context, what: string) => c.json({ errors: [`${what} not found`] }, 404);
  app.get('/metrics', async (c) =>
    c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }),
  );
  app.get('/jobs', (c) => c.json(jobsView(dashboard().observers())));
  const views = {
    '': jobView,
    '/checkpoints': checkpointsView,
    '/exceptions': exceptionsView,
    '/config': configView,
  };
  for (const [suffix, view] of Object.entries(views))
    app.get(`/jobs/:id${suffix}`, (c) => {
      const observer = job(c);
      return observer ? c.json(view(observer)) : notFound(c, 'job');
    });
  app.get('/jobs/:id/vertices/:vid', (c) => {
    const observer = job(c);
    const view = observer && vertexView(observer, c.req.param('vid'));
    return view ? c.json(view) : notFound(c, observer ? 'vertex' : 'job');
  });
  app.get('/jobs/:id/checkpoints/details/:cid', (c) => {
    const observer = job(c);
    const view = observer && checkpointDetailsView(observer, Number(c.req.param('cid')));
    return view ? c.json(view) : notFound(c, observer ? 'checkpoint' : 'job');
  });
  if (page) {
    app.get('/jobs/:id/events', (c) => {
      const observer = job(c);
      if (!observer) return notFound(c, 'job');
      return packages.streaming.streamSSE(c, (stream) => pushUpdates(observer, stream, dashboard()));
    });
    app.get('/', async (c) => c.html(await readFile(join(PAGE_DIR, 'index.html'), 'utf8')));
    app.get('/assets/:name', async (c) => {
      const name = c.req.param('name');
      const type = ASSET_TYPES[name];
      if (type === undefined) return notFound(c, 'asset');
      const dir = name.startsWith('uPlot') ? packages.uplotDir! : PAGE_DIR;
      return c.body(await readFile(join(dir, name)), 200, { 'Content-Type': type });
    });
  }
  app.notFound((c) => notFound(c, 'route'));
  return app;
}

interface SseStream {
  writeSSE(message: { data: string; event?: string }): Promise<void>;
  onAbort(listener: () => void): void;
}

/**
 * Sends the job's state now, then after every update (throttled), until the page goes or the
 * server closes (then once more: the final state). Returning ends the response.
 */
async function pushUpdates(observer: JobObserver, stream: SseStream, server: DashboardServer): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let ended!: () => void;
  const done = new Promise<void>((resolve) => {
    ended = resolve;
  });
  let writing = Promise.resolve();
  const push = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const data = JSON.stringify(overview(observer));
    writing = writing.then(() => stream.writeSSE({ event: 'update', data })).catch(ended);
    return writing;
  };
  const stopUpdates = observer.onUpdate(() => {
    timer ??= setTimeout(push, PUSH_EVERY_MS).unref();
  });
  const untrack = server.track(async () => {
    stopUpdates();
    await push();
    ended();
  });
  stream.onAbort(ended);
  void push();
  await done;
  stopUpdates();
  untrack();
  if (timer !== undefined) clearTimeout(timer);
}

/** What a push carries: the job, its checkpoints (recent history) and its exceptions. */
function overview(observer: JobObserver): object {
  const checkpoints = checkpointsView(observer) as { history: readonly unknown[] };
  return {
    job: jobView(observer),
    checkpoints: { ...checkpoints, history: checkpoints.history.slice(0, PUSHED_HISTORY) },
    exceptions: exceptionsView(observer),
  };
}
