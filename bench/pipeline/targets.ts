/** Checks the targets (params.ts) against the measured median end-to-end rates. */
import { formatRate, formatRatio } from '../support/format.ts';
import { TARGETS } from './params.ts';
import type { TargetCheck } from './report.ts';
import type { RowSummary } from './summary.ts';

export function checkTargets(
  wordCount: readonly RowSummary[],
  trivial: readonly RowSummary[],
): TargetCheck[] {
  const rate = (id: string) => wordCount.find((r) => r.id === id)?.rate;
  const [weir, node, pool] = [rate('weir-p2'), rate('node-stream'), rate('piscina')];
  const checks: TargetCheck[] = [];
  if (weir !== undefined && node !== undefined) {
    checks.push({
      target: `weir p2 ≥ ${TARGETS.weirP2OverNode}× Node.js stream.pipeline (word count)`,
      measured: formatRatio(weir / node),
      met: weir >= TARGETS.weirP2OverNode * node,
    });
  }
  if (weir !== undefined && pool !== undefined) {
    checks.push({
      target: 'weir p2 ahead of piscina (word count)',
      measured: formatRatio(weir / pool),
      met: weir > TARGETS.weirP2OverPiscina * pool,
    });
  }
  const trivialP2 = trivial.find((r) => r.id === 'trivial-p2')?.rate;
  if (trivialP2 !== undefined) {
    checks.push({
      target: `trivial job at parallelism 2 ≥ ${formatRate(TARGETS.trivialRecordsPerSecond)} records/s`,
      measured: `${formatRate(trivialP2)} records/s`,
      met: trivialP2 >= TARGETS.trivialRecordsPerSecond,
    });
  }
  return checks;
}
