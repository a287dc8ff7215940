// What a job left committed in an output directory, and what the chaos jobs' keyed count writes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyOf } from '../integration/jobs/chaos.job.ts';

/** The lines of every committed file in `dir` (hidden in-progress files skipped). */
export function committedLines(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.length > 0),
    );
}

/** The lines `chaos.job.ts` writes for records 0..count-1 over `keys` keys: `<key> <count>`. */
export function expectedChaosLines(count: number, keys: number): string[] {
  const seen = new Map<string, number>();
  return Array.from({ length: count }, (_, n) => {
    const key = keyOf(n, keys);
    const c = (seen.get(key) ?? 0) + 1;
    seen.set(key, c);
    return `${key} ${c}`;
  });
}
