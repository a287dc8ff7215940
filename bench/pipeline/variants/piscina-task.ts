/**
 * The piscina variant's task, run in the pool's worker threads: parses, tokenises and counts one
 * batch of lines and returns the batch's partial counts (structured-cloned back to the main thread).
 */
import { countLine } from '../words.ts';

export default function countBatch(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) countLine(line, counts);
  return counts;
}
