/**
 * Experiment suite subject: `npm run bench -- alignment [--quick] [flags]` (same as `weir bench alignment`);
 * see bench/experiments/ and docs/experiments.md.
 */
import { benchEntry } from './experiments/entry.ts';
import type { BenchArgs } from './support/args.ts';

export const description =
  'experiment 1: alignment overhead (off / exactly-once / at-least-once over interval, parallelism, channels, skew)';

export async function run(args: BenchArgs): Promise<void> {
  await benchEntry(args, 'alignment', `npm run bench -- alignment ${process.argv.slice(3).join(' ')}`.trim());
}
