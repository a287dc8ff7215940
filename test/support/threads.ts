// Counts this process's OS threads (Linux /proc), to check that a job leaves no worker behind.
import { readFileSync } from 'node:fs';

export function osThreadCount(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /^Threads:\s+(\d+)$/m.exec(status);
  if (!match) throw new Error('cannot read the thread count from /proc/self/status');
  return Number(match[1]);
}
