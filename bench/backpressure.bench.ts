/**
 * Experiment suite subject: `npm run bench -- backpressure [--quick] [flags]` (same as `weir bench
 * backpressure`); see bench/experiments/ and docs/experiments.md.
 */
import { benchEntry } from './experiments/entry.ts';
import type { BenchArgs } from './support/args.ts';

export const description =
  'experiment 4: checkpoint time under backpressure, aligned vs unaligned vs alignment timeout, debloating on/off';

export async function run(args: BenchArgs): Promise<void> {
  await benchEntry(
    args,
    'backpressure',
    `npm run bench -- backpressure ${process.argv.slice(3).join(' ')}`.trim(),
  );
}
