// Runs a child process to its end and gives back its exit code and output.
import { spawn } from 'node:child_process';

/** How a child process ended and what it wrote. */
export interface ProcessRun {
  readonly code: number | null;
  /** The signal that ended it, if one did. */
  readonly signal?: NodeJS.Signals | null;
  /** Its process id. */
  readonly pid?: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` with `args` in `cwd` (stdin ignored), collecting stdout and stderr; with `killOn`,
 * sends its signal once stdout matches its pattern (e.g. SIGKILL after some checkpoints).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    killOn?: { readonly stdout: RegExp; readonly signal: NodeJS.Signals };
  },
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.killOn === undefined || killed || !options.killOn.stdout.test(stdout)) return;
      killed = true;
      child.kill(options.killOn.signal);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, ...(child.pid === undefined ? {} : { pid: child.pid }) }),
    );
  });
}
