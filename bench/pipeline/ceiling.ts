/**
 * weir at parallelism 2 against the `threads` variant (plain worker_threads, no engine): how much of
 * what this machine's cores give to the bare work weir reaches. Not one of the targets; a
 * reference for reading them, since on a small shared VM the ceiling itself is well below 2×.
 */
import { formatRate, formatRatio } from '../support/format.ts';
import type { RowSummary } from './summary.ts';

/** weir p2's median rate as a share of the plain threads' median rate. */
export interface CeilingShare {
  readonly weirP2Rate: number;
  readonly threadsRate: number;
  /** weirP2Rate / threadsRate. */
  readonly share: number;
  /** The plain threads' rate over the baseline's (node-stream), when it ran. */
  readonly threadsOverBaseline: number | undefined;
}

/** The share, when both weir p2 and the threads variant ran. */
export function ceilingShare(wordCount: readonly RowSummary[]): CeilingShare | undefined {
  const rate = (id: string) => wordCount.find((r) => r.id === id)?.rate;
  const [weirP2Rate, threadsRate, baseline] = [rate('weir-p2'), rate('threads'), rate('node-stream')];
  if (weirP2Rate === undefined || threadsRate === undefined) return undefined;
  return {
    weirP2Rate,
    threadsRate,
    share: weirP2Rate / threadsRate,
    threadsOverBaseline: baseline === undefined ? undefined : threadsRate / baseline,
  };
}

export function ceilingText(c: CeilingShare): string {
  const ceiling =
    c.threadsOverBaseline === undefined
      ? ''
      : `plain worker_threads reach ${formatRatio(c.threadsOverBaseline)} node-stream; `;
  return (
    `ceiling: ${ceiling}weir p2 reaches ${(100 * c.share).toFixed(0)} % of their rate ` +
    `(${formatRate(c.weirP2Rate)} of ${formatRate(c.threadsRate)} lines/s)`
  );
}
