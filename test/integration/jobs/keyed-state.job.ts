// Every keyed state type in one process function, per user: a count (value), every amount seen
// (list, reported sorted since arrival order across source subtasks is not fixed), counts per category (map), the maximum (reducing) and the mean (aggregating).
import {
  aggregatingState,
  defineJob,
  listState,
  mapState,
  reducingState,
  valueState,
} from '../../../src/index.ts';

export interface Purchase {
  readonly user: string;
  readonly amount: number;
}

export interface UserSummary {
  readonly user: string;
  readonly count: number;
  readonly amounts: readonly number[];
  readonly byCategory: Record<string, number>;
  readonly max: number;
  readonly mean: number;
}

const count = valueState<number>('count', { defaultValue: 0 });
const recent = listState<number>('recent');
const categories = mapState<string, number>('categories');
const maximum = reducingState<number>('max', (a, b) => Math.max(a, b));
const mean = aggregatingState<number, { sum: number; n: number }, number>('mean', {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (value, acc) => ({ sum: acc.sum + value, n: acc.n + 1 }),
  getResult: (acc) => acc.sum / acc.n,
});

export default defineJob<{ purchases: readonly Purchase[] }>((env, { purchases }) => {
  env
    .fromArray(purchases)
    .keyBy('user')
    .process<UserSummary>((purchase, ctx, out) => {
      const c = ctx.state(count);
      c.update(c.value() + 1);
      const list = ctx.state(recent);
      list.add(purchase.amount);
      const map = ctx.state(categories);
      const category = `c${purchase.amount % 3}`;
      map.put(category, (map.get(category) ?? 0) + 1);
      ctx.state(maximum).add(purchase.amount);
      ctx.state(mean).add(purchase.amount);
      out.collect({
        user: String(ctx.currentKey),
        count: c.value(),
        amounts: [...list.get()].sort((a, b) => a - b),
        byCategory: Object.fromEntries(map.entries()),
        max: ctx.state(maximum).get() ?? Number.NaN,
        mean: ctx.state(mean).get() ?? Number.NaN,
      });
    })
    .collect({ uid: 'summaries' });
});
