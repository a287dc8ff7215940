/**
 * A measurement window over a running job: the keyed subtasks' record count (exact, from the
 * shared probe), the time, and the CPU time and run-queue wait of every thread of the process, read
 * at both ends and turned into rates.
 */
import type { Probe } from '../jobs-support/probe.ts';
import { cpuBetween, type ProcessCpu, processCpu } from '../jobs-support/process-cpu.ts';

/** One end of a window. */
export interface Reading {
  readonly records: number;
  readonly at: number;
  readonly cpu: ProcessCpu;
}

/** What a window measured. */
export interface WindowRates {
  readonly records: number;
  readonly windowMs: number;
  /** Records per second of wall time. */
  readonly recordsPerSecond: number;
  /** Records per second of CPU time (all threads): the rate the CPU spent allowed, whatever the load. */
  readonly recordsPerCpuSecond: number;
  /** Cores the process used on average (CPU time / wall time). */
  readonly coresUsed: number;
  /** Cores' worth of time the process's threads waited, runnable, for a core. */
  readonly coresWaited: number;
}

export function readNow(probe: Probe): Reading {
  return { records: probe.totalRecords(), at: performance.now(), cpu: processCpu() };
}

export function ratesBetween(from: Reading, to: Reading): WindowRates {
  const records = to.records - from.records;
  const windowMs = to.at - from.at;
  const cpu = cpuBetween(from.cpu, to.cpu);
  return {
    records,
    windowMs,
    recordsPerSecond: records / (windowMs / 1000),
    recordsPerCpuSecond: cpu.runMs > 0 ? records / (cpu.runMs / 1000) : Number.NaN,
    coresUsed: cpu.runMs / windowMs,
    coresWaited: cpu.waitMs / windowMs,
  };
}
