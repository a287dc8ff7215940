/**
 * How `weir run` shows a job besides its terminal display: the servers its flags ask for
 * (`--dashboard`, `--dashboard-port`, `--dashboard-host`, `--keep-dashboard`, `--metrics-port`) and
 * JSON lines (`--json`), checked together; errors name the flag as typed.
 */
import { resolveDashboardOptions } from '../dashboard/dashboard-options.ts';
import { numberFlag, renameOption } from './command-line.ts';
import { UsageError } from './errors.ts';
import type { ServerRequests } from './run-servers.ts';

/** The flags this reads. */
export type ViewFlag =
  | 'dashboard'
  | 'dashboard-port'
  | 'dashboard-host'
  | 'keep-dashboard'
  | 'metrics-port'
  | 'json'
  | 'quiet';

/** Their values as parsed. */
export interface ViewValues {
  readonly dashboard?: boolean | undefined;
  readonly 'dashboard-port'?: string | undefined;
  readonly 'dashboard-host'?: string | undefined;
  readonly 'keep-dashboard'?: boolean | undefined;
  readonly 'metrics-port'?: string | undefined;
  readonly json?: boolean | undefined;
  readonly quiet?: boolean | undefined;
}

/** How the run is shown: servers, JSON lines, keeping the dashboard. */
export interface RunView {
  readonly servers: ServerRequests;
  readonly json: boolean;
  readonly keepDashboard: boolean;
}

export function runViewOf(values: ViewValues, typed: (flag: ViewFlag) => string): RunView {
  const dashboard = values.dashboard ?? false;
  for (const flag of ['dashboard-port', 'dashboard-host', 'keep-dashboard'] as const)
    if (values[flag] !== undefined && !dashboard) throw new UsageError(`${typed(flag)} needs --dashboard`);
  if (values.json && values.quiet)
    throw new UsageError(`${typed('json')} and ${typed('quiet')} exclude each other`);
  const host = values['dashboard-host'];
  const options = (portFlag: ViewFlag, port: number | undefined, page: boolean) =>
    renamed(
      () =>
        resolveDashboardOptions({
          ...(port === undefined ? {} : { port }),
          ...(host === undefined ? {} : { host }),
          page,
        }),
      {
        'dashboard.port': typed(portFlag),
        'dashboard.host': typed('dashboard-host'),
      },
    );
  const metricsPort = numberFlag(typed('metrics-port'), values['metrics-port']);
  return {
    servers: {
      dashboard: dashboard
        ? options('dashboard-port', numberFlag(typed('dashboard-port'), values['dashboard-port']), true)
        : undefined,
      metrics: metricsPort === undefined ? undefined : options('metrics-port', metricsPort, false),
    },
    json: values.json ?? false,
    keepDashboard: values['keep-dashboard'] ?? false,
  };
}

/** `resolve()`, its option errors named by flag. */
function renamed<T>(resolve: () => T, flags: Readonly<Record<string, string>>): T {
  try {
    return resolve();
  } catch (error) {
    throw renameOption(error, (option) => flags[option]);
  }
}
