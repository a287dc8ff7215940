// A keyed count written to the exactly-once file sink `out/`, correct or broken on purpose for
// `weir chaos` (`flaw`): a map whose output uses Math.random(), a sink function appending to a
// file (not transactional), or a counter in a module variable (survives restarts in a thread).
import { appendFileSync } from 'node:fs';
import { defineJob, valueState } from '../../../src/index.ts';

export interface ChaosFlawArgs {
  readonly count: number;
  readonly ratePerSecond: number;
  readonly flaw?: 'random' | 'side-effect' | 'module-counter';
}

const COUNT = valueState<number>('count', { defaultValue: 0 });
let seen = 0;

export default defineJob<ChaosFlawArgs>((env, args) => {
  const counted = env
    .fromSequence(0, args.count - 1, { ratePerSecond: args.ratePerSecond })
    .uid('numbers')
    .map((n: number) => {
      seen++;
      const tag =
        args.flaw === 'random' ? Math.floor(Math.random() * 1000) : args.flaw === 'module-counter' ? seen : 0;
      return { key: `k${n % 5}`, n, tag };
    })
    .uid('tag')
    .keyBy('key')
    .process<string>((record, ctx, out) => {
      const count = ctx.state(COUNT);
      count.update(count.value() + 1);
      out.collect(`${record.key} ${count.value()} ${record.tag}`);
    })
    .uid('counter');
  if (args.flaw === 'side-effect')
    counted.sinkTo((line) => appendFileSync('side-effects.txt', `${line}\n`)).uid('append');
  else counted.writeFiles('out').uid('files');
});
