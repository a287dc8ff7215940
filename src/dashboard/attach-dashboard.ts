/**
 * A dashboard for one job (`startJob(url, { dashboard })`): starts a server, shows the job on it,
 * and closes it once the job ended and its last state was sampled, unless `keepAlive` (then the
 * caller closes it, through the handle).
 */
import type { DashboardHandle, ResolvedDashboardOptions } from './dashboard-options.ts';
import { DashboardServer } from './dashboard-server.ts';
import type { JobObserverOptions } from './job-observer.ts';
import type { ObservedJob } from './observed-job.ts';

/** Serves `job` on a new server; resolves once it listens. */
export async function attachDashboard(
  job: ObservedJob,
  options: ResolvedDashboardOptions,
  observerOptions: JobObserverOptions = {},
): Promise<DashboardHandle> {
  const server = await DashboardServer.start(options, observerOptions);
  const observer = server.add(job);
  if (!options.keepAlive) void observer.ended.then(() => server.close());
  return { url: server.url, closed: server.closed, close: () => server.close() };
}
