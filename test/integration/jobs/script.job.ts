// A job written as a script: builds a pipeline and calls env.execute() at top level. Every worker
// evaluates this module too; there, execute() hands the pipeline over and never returns, so the
// line after it runs once, on the main thread.
import { StreamEnvironment } from '../../../src/index.ts';

const env = new StreamEnvironment();
const unbounded = process.env['WEIR_TEST_UNBOUNDED'] === '1';
env
  .fromSequence(0, unbounded ? undefined : 9_999, unbounded ? { ratePerSecond: 50_000 } : {})
  .map((n) => ({ key: n % 3, n }))
  .keyBy('key')
  .sum('n')
  .filter((r) => !unbounded && r.n > 16_661_666)
  .print('final');
await env.execute('script job');
console.log('after execute: main thread only');
