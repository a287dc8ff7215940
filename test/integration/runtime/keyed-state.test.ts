// Each keyed state type holds exactly the per-key history at parallelism 1, 2 and 4 on the heap
// backend, and at parallelism 1 and 2 on the embedded (LMDB) backend and 2 on RocksDB, with a small row cache.
import { describe, expect, it } from 'vitest';
import { executeJob, type StateBackendOptions } from '../../../src/index.ts';
import type { Purchase, UserSummary } from '../jobs/keyed-state.job.ts';

const purchases: Purchase[] = Array.from({ length: 3000 }, (_, i) => ({
  user: `u${(i * 7) % 23}`,
  amount: (i * 13) % 101,
}));

function expected(): Map<string, UserSummary> {
  const byUser = new Map<string, number[]>();
  for (const p of purchases) byUser.set(p.user, [...(byUser.get(p.user) ?? []), p.amount]);
  const out = new Map<string, UserSummary>();
  for (const [user, amounts] of byUser) {
    const byCategory: Record<string, number> = {};
    for (const a of amounts) byCategory[`c${a % 3}`] = (byCategory[`c${a % 3}`] ?? 0) + 1;
    out.set(user, {
      user,
      count: amounts.length,
      amounts: [...amounts].sort((a, b) => a - b),
      byCategory,
      max: Math.max(...amounts),
      mean: amounts.reduce((s, a) => s + a, 0) / amounts.length,
    });
  }
  return out;
}

const backends: [number, StateBackendOptions][] = [
  [1, { type: 'heap' }],
  [2, { type: 'heap' }],
  [4, { type: 'heap' }],
  // A cache of 8 rows for 23 users and 5 states: rows are evicted, written and read back constantly.
  [1, { type: 'embedded', cacheRows: 8 }],
  [2, { type: 'embedded', cacheRows: 8 }],
  [2, { type: 'rocksdb', cacheRows: 8 }],
];

describe.each(backends)('keyed state at parallelism %i, %o', (parallelism, stateBackend) => {
  it('value, list, map, reducing and aggregating state are exact per key', async () => {
    const result = await executeJob(new URL('../jobs/keyed-state.job.ts', import.meta.url), {
      args: { purchases },
      environment: { parallelism, stateBackend },
    });
    const last = new Map<string, UserSummary>();
    for (const s of result.collected<UserSummary>('summaries')) {
      if ((last.get(s.user)?.count ?? 0) < s.count) last.set(s.user, s);
    }
    const want = expected();
    expect(last.size).toBe(want.size);
    for (const [user, summary] of want) {
      const got = last.get(user)!;
      expect({ ...got, mean: Math.round(got.mean * 1e9) }).toEqual({
        ...summary,
        mean: Math.round(summary.mean * 1e9),
      });
    }
  });
});
