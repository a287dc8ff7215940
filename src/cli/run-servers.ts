/**
 * The servers `weir run` starts on request: the dashboard (`--dashboard`, `--dashboard-port`,
 * `--dashboard-host`) and a metrics-only server (`--metrics-port`: REST and `/metrics`, no page).
 * Started before the job module runs, so the URL is printed first; every job the module starts is
 * shown; they close once the jobs ended, or, with `--keep-dashboard`, on Ctrl-C.
 */
import type { JobClient } from '../api/job-client.ts';
import type { ResolvedDashboardOptions } from '../dashboard/dashboard-options.ts';
import { DashboardServer } from '../dashboard/dashboard-server.ts';
import type { JobObserver } from '../dashboard/job-observer.ts';

/** What the flags asked for. */
export interface ServerRequests {
  readonly dashboard: ResolvedDashboardOptions | undefined;
  readonly metrics: ResolvedDashboardOptions | undefined;
}

export class RunServers {
  readonly #servers: DashboardServer[];
  readonly #observers: JobObserver[] = [];

  private constructor(servers: DashboardServer[]) {
    this.#servers = servers;
  }

  /** Starts the requested servers; `announce` gets each one's kind and URL. */
  static async start(
    requests: ServerRequests,
    announce: (kind: 'dashboard' | 'metrics', url: string) => void,
  ): Promise<RunServers> {
    const servers: DashboardServer[] = [];
    try {
      if (requests.dashboard) {
        const server = await DashboardServer.start(requests.dashboard);
        servers.push(server);
        announce('dashboard', server.url);
      }
      if (requests.metrics) {
        const server = await DashboardServer.start(requests.metrics, {}, 'metrics.port');
        servers.push(server);
        announce('metrics', `${server.url}metrics`);
      }
    } catch (error) {
      await Promise.all(servers.map((s) => s.close()));
      throw error;
    }
    return new RunServers(servers);
  }

  /** Shows `client` on every server. */
  add(client: JobClient): void {
    for (const server of this.#servers) this.#observers.push(server.add(client));
  }

  /** Waits for the jobs' last samples, then closes every server. */
  async close(): Promise<void> {
    await Promise.all(this.#observers.map((o) => o.ended));
    await Promise.all(this.#servers.map((s) => s.close()));
  }
}
