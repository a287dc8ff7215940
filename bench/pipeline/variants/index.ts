/**
 * The word-count variants the benchmark compares, built from its parameters; the first is the
 * baseline. {@link extraVariants} run only when named (`--variants=...`).
 */
import type { PipelineBenchParams } from '../params.ts';
import type { WordCountVariant } from '../variant.ts';
import { nodeStreamVariant } from './node-stream.ts';
import { piscinaVariant } from './piscina.ts';
import { threadsVariant } from './threads.ts';
import { weirVariant } from './weir.ts';

export function makeVariants(params: PipelineBenchParams): WordCountVariant[] {
  return [
    nodeStreamVariant(params.streamBatchLines),
    threadsVariant(params.plainThreads),
    piscinaVariant(params.piscina),
    ...params.weirParallelisms.map((p) => weirVariant(p)),
  ];
}

/** Variants that run only when `--variants` names them: weir's batch job pipelined instead of by stages. */
export function extraVariants(params: PipelineBenchParams): WordCountVariant[] {
  return params.weirParallelisms.map((p) => weirVariant(p, true));
}
