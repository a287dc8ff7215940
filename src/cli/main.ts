/**
 * The `weir` command: dispatches to its subcommands.
 */
import { readFileSync } from 'node:fs';
import { benchCommand, reportCommand } from './bench-command.ts';
import { chaosChildCommand } from './chaos/chaos-child.ts';
import { chaosCommand } from './chaos/chaos-command.ts';
import { checkpointsCommand } from './checkpoints-command.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';

const USAGE = `usage: weir <command> [options]

commands:
  run <job-file>      run a job module (see \`weir run --help\`)
  chaos <job-file>    prove a job's recovery under injected failures (see \`weir chaos --help\`)
  checkpoints <dir>   list or describe checkpoints and savepoints
  bench <experiment>  run an experiment of the suite: alignment, latency, interval-sweep, all
  report <results>    regenerate the experiment report from result JSON files
  help                show this help

options:
  -h, --help          show this help
  -V, --version       print weir's version
`;

/** weir's version, from its package.json (two levels up from both src/cli/ and dist/cli/). */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'chaos':
      return chaosCommand(rest);
    // One job process of a `weir chaos` run (not for users: the spec is the harness's).
    case '__chaos-child':
      return chaosChildCommand(rest);
    case 'checkpoints':
      return checkpointsCommand(rest);
    case 'bench':
      return benchCommand(rest);
    case 'report':
      return reportCommand(rest);
    case '--version':
    case '-V':
      process.stdout.write(`weir ${version()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(
        `weir: ${command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}"`}\n\n${USAGE}`,
      );
      return 2;
  }
}

export { RUN_USAGE };
