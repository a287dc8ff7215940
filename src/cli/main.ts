/**
 * The `weir` command: dispatches to its subcommands.
 */
import { benchCommand, reportCommand } from './bench-command.ts';
import { checkpointsCommand } from './checkpoints-command.ts';
import { RUN_USAGE, runCommand } from './run-command.ts';

const USAGE = `usage: weir <command> [options]

commands:
  run <job-file>      run a job module (see \`weir run --help\`)
  checkpoints <dir>   list or describe checkpoints and savepoints
  bench <experiment>  run an experiment of the suite: alignment, latency, interval-sweep, all
  report <results>    regenerate the experiment report from result JSON files
  help                show this help
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'checkpoints':
      return checkpointsCommand(rest);
    case 'bench':
      return benchCommand(rest);
    case 'report':
      return reportCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`weir: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

export { RUN_USAGE };
