/**
 * Experiment suite subject: `npm run bench -- latency [--quick] [flags]` (same as `weir bench latency`);
 * see bench/experiments/ and docs/experiments.md.
 */
import { benchEntry } from './experiments/entry.ts';
import type { BenchArgs } from './support/args.ts';

export const description =
  'experiment 2: exactly-once vs at-least-once end-to-end latency at fixed offered loads, normal and slow sink';

export async function run(args: BenchArgs): Promise<void> {
  await benchEntry(args, 'latency', `npm run bench -- latency ${process.argv.slice(3).join(' ')}`.trim());
}
