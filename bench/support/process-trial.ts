/**
 * One benchmark trial as a fresh `node` process, timed as a user's `time` sees it: wall time from
 * spawn to exit (start-up and shutdown included), user + system CPU of every thread, and peak RSS,
 * all from GNU time (`/usr/bin/time`), so that nothing in the measured process measures itself.
 */
import { spawn } from 'node:child_process';

/** What one process cost. */
export interface ProcessCost {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  /** The last line the process printed on stdout. */
  readonly lastLine: string;
}

const TIME = '/usr/bin/time';
const FORMAT = 'weir-time %e %U %S %M';

/** Runs `node <args>` once under GNU time; rejects when it exits with a failure. */
export function runProcess(args: readonly string[], cwd?: string): Promise<ProcessCost> {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-f', FORMAT, process.execPath, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const timing = /weir-time ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(err);
      if (code !== 0 || !timing) {
        reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${err.slice(-2000)}`));
        return;
      }
      const [, wall, user, sys, rssKiB] = timing;
      resolve({
        wallMs: Number(wall) * 1000,
        cpuMs: (Number(user) + Number(sys)) * 1000,
        peakRssMiB: Number(rssKiB) / 1024,
        lastLine: out.trimEnd().split('\n').at(-1) ?? '',
      });
    });
  });
}
