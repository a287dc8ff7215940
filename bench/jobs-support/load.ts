/** The machine's load averages now (1, 5, 15 minutes), rounded, as `uptime` prints them. */
import { loadavg } from 'node:os';

export function loadAverage(): number[] {
  return loadavg().map((l) => Math.round(l * 100) / 100);
}
