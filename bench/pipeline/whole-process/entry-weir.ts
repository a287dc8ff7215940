/**
 * weir: runs job.ts with `executeJob` from the built package, as a user's script does. Batch mode
 * checks the collected final counts; streaming mode reports the count operator's input (its
 * records-in counter), which the parent checks against the loop's word total (not with local
 * aggregation, whose count receives partial counts; its final counts are tested in the test suite).
 */
import { executeJob } from '../../../src/index.ts';
import { report, trialSpec } from './trial-spec.ts';

const spec = trialSpec();
const result = await executeJob(new URL('./job.mjs', import.meta.url), {
  args: spec,
  environment: {
    parallelism: spec.parallelism ?? 2,
    runtimeMode: spec.mode ?? 'streaming',
    ...(spec.localAggregationMs === undefined ? {} : { localAggregationMs: spec.localAggregationMs }),
    ...(spec.checkpointMs === undefined ? {} : { checkpointing: { intervalMs: spec.checkpointMs } }),
    ...(spec.threadSharing === undefined ? {} : { threadSharing: spec.threadSharing }),
  },
});
if (spec.mode === 'batch') {
  const counts = result.collected<{ key: string; count: number }>('counts');
  report({ words: counts.reduce((n, c) => n + c.count, 0), distinct: counts.length });
} else {
  // With local aggregation the count receives partial counts, not words: only its input is checked.
  const count = result.operators.find((operator) => operator.uid === 'count');
  report({ words: spec.localAggregationMs === undefined ? (count?.records ?? -1) : -1, distinct: -1 });
}
