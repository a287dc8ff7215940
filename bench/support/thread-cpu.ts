/**
 * CPU time of the calling thread, from Linux's `/proc/thread-self/schedstat`: nanoseconds spent
 * running, and nanoseconds spent runnable but waiting for a CPU (how much other threads, ours or
 * other processes', took the cores). Undefined where the file does not exist. Node 20 has no
 * per-thread CPU clock of its own (`process.cpuUsage()` covers the whole process).
 */
import { readFileSync } from 'node:fs';

/** Milliseconds a thread has run and has waited to run, since it started. */
export interface ThreadTimes {
  readonly cpuMs: number;
  readonly waitMs: number;
}

const SCHEDSTAT = '/proc/thread-self/schedstat';

/** This thread's times now, or undefined off Linux. */
export function threadTimes(): ThreadTimes | undefined {
  try {
    const [run, wait] = readFileSync(SCHEDSTAT, 'latin1').split(' ');
    return { cpuMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6 };
  } catch {
    return undefined;
  }
}

/** Times spent between `since` and now (undefined when either is). */
export function threadTimesSince(since: ThreadTimes | undefined): ThreadTimes | undefined {
  const now = threadTimes();
  if (since === undefined || now === undefined) return undefined;
  return { cpuMs: now.cpuMs - since.cpuMs, waitMs: now.waitMs - since.waitMs };
}
