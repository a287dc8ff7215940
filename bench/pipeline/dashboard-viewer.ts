/**
 * `--dashboard`: every weir run of the pipeline benchmark serves its dashboard and has it open, as a
 * user watching the job would: a reader of the page's live updates (server-sent events) and a
 * Prometheus scrape of `/metrics` once a second, both until the job ends. Compared with a run
 * without the flag, this is what watching a job costs (`docs/dashboard.md`).
 */
import {
  type ExecuteJobOptions,
  executeJob,
  type JobClient,
  type JobResult,
  startJob,
} from '../../src/index.ts';

let watching = false;

/** Turns the dashboard on or off for every later {@link executeWatched}. */
export function watchWithDashboard(on: boolean): void {
  watching = on;
}

/** `executeJob`, with the dashboard open when `--dashboard` was given. */
export async function executeWatched<A>(job: URL, options: ExecuteJobOptions<A>): Promise<JobResult> {
  if (!watching) return executeJob(job, options);
  const client = await startJob(job, { ...options, dashboard: true });
  const viewer = view(client);
  const result = await client.result;
  await viewer;
  return result;
}

async function view(client: JobClient): Promise<void> {
  const base = client.dashboard!.url;
  const events = await fetch(`${base}jobs/${client.jobId}/events`);
  const reader = events.body!.getReader();
  const scrapes = setInterval(() => {
    void fetch(`${base}metrics`).then(
      (r) => r.text(),
      () => '',
    );
  }, 1000);
  try {
    // The server ends the stream when the job ended and it closed.
    for (;;) {
      const { done } = await reader.read().catch(() => ({ done: true }));
      if (done) break;
    }
  } finally {
    clearInterval(scrapes);
  }
}
