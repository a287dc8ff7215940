/**
 * Experiment suite subject: `npm run bench -- interval-sweep [--quick] [flags]` (same as `weir bench interval-sweep`);
 * see bench/experiments/ and docs/experiments.md.
 */
import { benchEntry } from './experiments/entry.ts';
import type { BenchArgs } from './support/args.ts';

export const description =
  'experiment 3: throughput overhead against the snapshot interval (Carbone et al. 2015)';

export async function run(args: BenchArgs): Promise<void> {
  await benchEntry(
    args,
    'interval-sweep',
    `npm run bench -- interval-sweep ${process.argv.slice(3).join(' ')}`.trim(),
  );
}
