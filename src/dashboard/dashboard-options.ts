/**
 * Options of a job's dashboard (`startJob(url, { dashboard })`, `weir run --dashboard`) and of its
 * metrics-only variant (`--metrics-port`), validated once at the boundary: errors name the option.
 * The server binds the loopback address unless told otherwise; it is read-only.
 */
import { InvalidOptionError } from '../errors.ts';
import { isIpAddress } from '../util/lazy-builtins.ts';

/** Where and how a job's dashboard is served. */
export interface DashboardOptions {
  /** TCP port; `0` or absent: a free port is chosen (see {@link DashboardHandle.url}). */
  readonly port?: number;
  /**
   * Address to bind; default `127.0.0.1` (loopback: only this machine). Another address exposes
   * the job's configuration and metrics to whoever reaches it.
   */
  readonly host?: string;
  /** Keep serving after the job ended, until {@link DashboardHandle.close}; default false. */
  readonly keepAlive?: boolean;
  /** Serve the web page and its live updates; false: only the REST API and `/metrics`. Default true. */
  readonly page?: boolean;
}

/** Options after defaults and validation. */
export interface ResolvedDashboardOptions {
  readonly port: number;
  readonly host: string;
  readonly keepAlive: boolean;
  readonly page: boolean;
}

/** A running dashboard (or metrics) server. */
export interface DashboardHandle {
  /** `http://<host>:<port>/`, the port the server actually listens on. */
  readonly url: string;
  /** Resolves once the server stopped (with the job, unless `keepAlive`). */
  readonly closed: Promise<void>;
  /** Stops the server and drops every connection; resolves when it is closed. */
  close(): Promise<void>;
}

/** The loopback address a dashboard binds by default. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';

/**
 * Validates `options` (`true` for the defaults); `name` prefixes option names in errors
 * (`dashboard.port must be an integer from 0 to 65535, got 70000`).
 */
export function resolveDashboardOptions(options: unknown, name = 'dashboard'): ResolvedDashboardOptions {
  if (options === true) return resolveDashboardOptions({}, name);
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidOptionError(name, 'an object ({ port?, host?, keepAlive?, page? }) or true', options);
  const {
    port = 0,
    host = DEFAULT_DASHBOARD_HOST,
    keepAlive = false,
    page = true,
  } = options as Record<string, unknown>;
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535)
    throw new InvalidOptionError(`${name}.port`, 'an integer from 0 to 65535', port);
  if (typeof host !== 'string' || (!isIpAddress(host) && host !== 'localhost'))
    throw new InvalidOptionError(`${name}.host`, 'an IP address or localhost', host);
  if (typeof keepAlive !== 'boolean')
    throw new InvalidOptionError(`${name}.keepAlive`, 'a boolean', keepAlive);
  if (typeof page !== 'boolean') throw new InvalidOptionError(`${name}.page`, 'a boolean', page);
  return { port: port as number, host, keepAlive, page };
}
