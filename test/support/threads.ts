// Counts this process's OS threads (Linux /proc), to check that a job leaves no worker behind.
import { readFileSync } from 'node:fs';

export function osThreadCount(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /^Threads:\s+(\d+)$/m.exec(status);
  if (!match) throw new Error('cannot read the thread count from /proc/self/status');
  return Number(match[1]);
}

/**
 * Starts RocksDB's background threads (flush and compaction: process-wide, started by the first
 * database a process opens and kept for its life) by opening and closing one database, so that a
 * count taken after this call does not see them appear as if a job had left threads behind.
 */
export async function startRocksDbThreads(): Promise<void> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { RocksStore } = await import('../../src/state/rocksdb/rocksdb-store.ts');
  const directory = mkdtempSync(join(tmpdir(), 'weir-rocks-threads-'));
  try {
    const store = new RocksStore(directory);
    await store.open();
    await store.close();
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
