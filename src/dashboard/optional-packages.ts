/**
 * The dashboard's packages, loaded on demand: hono and its Node.js adapter (the HTTP server),
 * prom-client (`/metrics`) and uPlot (the page's charts). They are optional peer dependencies, so a
 * job that never serves a dashboard installs and loads none of them; a missing one fails the start
 * of the dashboard with `MissingDependencyError` naming it.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { MissingDependencyError } from '../errors.ts';

type Hono = typeof import('hono');
type Streaming = typeof import('hono/streaming');
type NodeServer = typeof import('@hono/node-server');
type PromClient = typeof import('prom-client');

/** The packages a dashboard runs on. */
export interface DashboardPackages {
  readonly hono: Hono;
  /** hono's server-sent events helper. */
  readonly streaming: Streaming;
  readonly nodeServer: NodeServer;
  readonly promClient: PromClient;
  /** uPlot's `dist/` directory (its script and style sheet); undefined without the page. */
  readonly uplotDir: string | undefined;
}

const FEATURE = 'The job dashboard';

/** Loads the packages; `page` false leaves uPlot out (a metrics-only server). */
export async function loadDashboardPackages(page: boolean): Promise<DashboardPackages> {
  const [hono, streaming, nodeServer, promClient] = await Promise.all([
    load('hono', () => import('hono')),
    load('hono', () => import('hono/streaming')),
    load('@hono/node-server', () => import('@hono/node-server')),
    load('prom-client', () => import('prom-client')),
  ]);
  let uplotDir: string | undefined;
  if (page) {
    try {
      uplotDir = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
    } catch (error) {
      throw new MissingDependencyError('uplot', FEATURE, error);
    }
  }
  return { hono, streaming, nodeServer, promClient, uplotDir };
}

async function load<T>(name: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingDependencyError(name, FEATURE, error);
  }
}
