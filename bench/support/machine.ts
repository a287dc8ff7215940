/** A description of the machine a benchmark ran on, printed with every report and kept in its JSON. */
import os from 'node:os';

/** What a reader needs to compare two benchmark results. */
export interface MachineDescription {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly memoryGiB: number;
  /** 1, 5 and 15 minute load averages when the run started: a busy, shared machine shows here. */
  readonly loadAverage: readonly number[];
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: loadAverage(),
  };
}

/** One line for a report header. */
export function formatMachine(m: MachineDescription): string {
  return (
    `${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node} (V8 ${m.v8}), ` +
    `load average ${m.loadAverage.join(' ')}`
  );
}

/** The machine's load averages now (1, 5, 15 minutes), rounded, as `uptime` prints them. */
export function loadAverage(): number[] {
  return os.loadavg().map((l) => Math.round(l * 100) / 100);
}
