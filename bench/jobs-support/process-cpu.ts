/**
 * CPU time of every thread of this process (the main thread and every worker), and the time those
 * threads spent runnable but waiting for a core, from Linux's `/proc/self/task/<tid>/schedstat`.
 * On a machine shared with other work the wait says how much of the cores others took: a
 * measurement whose threads waited a lot ran on a busy machine. Threads that ended between two
 * readings drop out of the sums, so read both ends while the same job runs.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Sums over the process's threads, ms. */
export interface ProcessCpu {
  /** Time on a core. */
  readonly runMs: number;
  /** Time runnable, waiting for a core. */
  readonly waitMs: number;
  /** Threads read. */
  readonly threads: number;
}

const TASKS = '/proc/self/task';

/** The sums now; zeros where `/proc` does not exist (not Linux). */
export function processCpu(): ProcessCpu {
  let tids: string[];
  try {
    tids = readdirSync(TASKS);
  } catch {
    return { runMs: 0, waitMs: 0, threads: 0 };
  }
  let run = 0;
  let wait = 0;
  let threads = 0;
  for (const tid of tids) {
    try {
      const [r, w] = readFileSync(`${TASKS}/${tid}/schedstat`, 'latin1').split(' ');
      run += Number(r);
      wait += Number(w);
      threads++;
    } catch {
      // The thread ended between readdir and read.
    }
  }
  return { runMs: run / 1e6, waitMs: wait / 1e6, threads };
}

/** What happened between two readings. */
export function cpuBetween(from: ProcessCpu, to: ProcessCpu): ProcessCpu {
  return { runMs: to.runMs - from.runMs, waitMs: to.waitMs - from.waitMs, threads: to.threads };
}
